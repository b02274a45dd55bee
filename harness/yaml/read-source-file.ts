/**
 * Reading a file a plan names (the plan itself, workload and Istio manifests). A plan is
 * input a nightly job may take from anywhere, so only what a manifest can be is read: a
 * regular file, outside the kernel's pseudo-filesystems (`/proc/self/environ` holds the
 * process's secrets, `/dev/zero` never ends), of bounded size. Nothing of the content is
 * echoed here; messages about a file's content quote at most a short excerpt.
 */
import { open, realpath } from 'node:fs/promises';
import { type SourceLocation, UserError } from '../errors/user-error.ts';

/** Far above any manifest (the largest shipped one is a few KiB), far below what hurts. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
const PSEUDO_FILESYSTEMS = ['/proc/', '/sys/', '/dev/'];

export type SourceRead = { ok: true; text: string } | { ok: false; error: UserError };

export async function readSourceFile(file: string, referencedFrom?: SourceLocation): Promise<SourceRead> {
  const location = referencedFrom ?? { file };
  const refuse = (reason: string, fix: string): SourceRead => ({
    ok: false,
    error: new UserError({ code: 'PLAN_FILE_NOT_FOUND', message: `file ${file} ${reason}`, fix, location }),
  });
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    return { ok: false, error: fileNotReadable(file, error, referencedFrom) };
  }
  if (PSEUDO_FILESYSTEMS.some((prefix) => real.startsWith(prefix))) {
    return refuse(`is a system file (${real}), not a manifest`, 'name a YAML file of your project; paths in a plan are relative to the plan file');
  }
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(real, 'r');
    const info = await handle.stat();
    if (!info.isFile()) return refuse('is not a regular file', 'name a YAML file; paths in a plan are relative to the plan file');
    if (info.size > MAX_SOURCE_BYTES) return refuse(`is ${info.size} bytes, more than the ${MAX_SOURCE_BYTES} a manifest may have`, 'split it, or name the right file');
    // Read one byte beyond the limit: a file that grows while it is read is still caught.
    const buffer = Buffer.alloc(MAX_SOURCE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SOURCE_BYTES) return refuse(`is larger than the ${MAX_SOURCE_BYTES} bytes a manifest may have`, 'split it, or name the right file');
    }
    return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { ok: false, error: fileNotReadable(file, error, referencedFrom) };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export function fileNotReadable(file: string, error: unknown, referencedFrom?: SourceLocation): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
  return new UserError({
    code: 'PLAN_FILE_NOT_FOUND',
    message: `file ${file} ${reason}`,
    fix: 'check the path; paths in a plan are relative to the plan file',
    location: referencedFrom ?? { file },
  });
}

/** At most `max` characters of a value quoted in a message, on one line. */
export function excerpt(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max)}… (${text.length} characters)`;
}
