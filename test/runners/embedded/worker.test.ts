/** The embedded runtime on a worker thread (its default mode): results, progress, abort and refusals cross the thread; the worker starts from one bundled module. */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { UserError } from '../../../harness/errors/user-error.ts';
import type { RunProgress } from '../../../harness/runners/runner.ts';
import { embeddedWorkerUrl } from '../../../harness/runners/embedded/run-in-worker.ts';
import { runScript, useScriptFixture, values } from './helpers.ts';

describe('embedded runtime on a worker thread', function () {
  this.timeout(30_000);
  const fixture = useScriptFixture();

  it('runs the script and relays progress, then stops gracefully on abort', async () => {
    const progress: RunProgress[] = [];
    const controller = new AbortController();
    const path = fixture.dir.script(`import http from 'k6/http';
import { sleep } from 'k6';
export const options = { vus: 2, duration: '20s' };
export default async function () { await http.get('${fixture.server.url}/'); await sleep(0.05); }`);
    const result = await runScript(
      path,
      {
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p);
          if (progress.length === 2) controller.abort();
        },
      },
      true,
    );
    expect(result).to.include({ outcome: 'interrupted', exitCode: 105 });
    expect(progress[1].requests).to.be.greaterThan(0);
    expect(values(result, 'http_reqs').count).to.be.at.least(progress[1].requests);
  });

  it('rethrows load-time refusals as UserError', async () => {
    const error = await runScript(fixture.dir.script(`import ws from 'k6/ws';\nexport default function () {}`), {}, true).catch((e) => e);
    expect(error).to.be.instanceOf(UserError).and.include({ code: 'EMBEDDED_UNSUPPORTED_API' });
  });

  it('starts workers from one bundled module of the runtime, built once per process', async () => {
    const url = await embeddedWorkerUrl();
    expect(url.pathname).to.match(/\/dist\/bundles\/worker-[0-9a-f]{16}\.mjs$/);
    expect(await embeddedWorkerUrl()).to.deep.equal(url);
    // No TypeScript left to load: the worker needs no tsx.
    expect(readFileSync(url, 'utf8')).not.to.match(/^import [^\n]* from ["'][^"']*\.ts["'];?$/m);
  });
});
