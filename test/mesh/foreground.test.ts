/**
 * `npm run mesh`'s engine: runMeshForeground starts the mesh with one configuration,
 * prints every vantage with a curl line, and stops cleanly when told to.
 */
import { expect } from 'chai';
import { runMeshForeground } from '../../harness/mesh/process/foreground.ts';
import { config, gateway, getDirect, virtualService, workload } from './helpers.ts';

describe('runMeshForeground', function () {
  this.timeout(30_000);

  it('prints in-mesh, external and gateway addresses with curl lines, then stops on abort', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    let externalStatus = 0;
    const running = runMeshForeground({
      seed: 1,
      profile: 'istio-1.24+',
      workloads: [workload()],
      config: config({
        gateways: [gateway({ servers: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['*'] }] })],
        virtualServices: [virtualService({ hosts: ['*'], gateways: ['bench-gateway'], http: [{ route: [{ destination: { host: 'appflaky' } }] }] })],
      }),
      log: (line) => {
        lines.push(line);
        if (line.startsWith('Ctrl-C')) {
          const external = lines.find((l) => l.startsWith('external'))?.match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
          getDirect(external!, '/unstable-endpoint')
            .then((r) => (externalStatus = r.status))
            .finally(() => controller.abort());
        }
      },
      signal: controller.signal,
    });
    await running;
    const text = lines.join('\n');
    expect(text).to.match(/curl -x http:\/\/127\.0\.0\.1:\d+ http:\/\/appflaky\.retryns\.svc\.cluster\.local\/unstable-endpoint/);
    expect(text).to.match(/external {2}retryns\/appflaky: http:\/\/127\.0\.0\.1:\d+/);
    expect(text).to.match(/gateway {3}http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.at(-1)).to.equal('stopping the mesh');
    expect(externalStatus).to.equal(200);
  });
});
