/**
 * The results folder is checked before any load: a run that cannot write its results
 * would change shared infrastructure and leave nothing behind. The check writes and
 * removes a probe file, which also catches a read-only or full filesystem that mode bits
 * alone would not show (and works for root, whom permissions never stop).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors/user-error.ts';

export async function ensureWritableResultsDir(dir: string): Promise<string> {
  const absolute = resolve(dir);
  const probe = join(absolute, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(absolute, { recursive: true });
    await writeFile(probe, 'probe'.repeat(200));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError({
      code: 'RESULTS_NOT_WRITABLE',
      message: `the results folder ${absolute} cannot be written (${code}); nothing was run`,
      fix: 'pick a writable folder with --results, or free disk space',
    });
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return absolute;
}
