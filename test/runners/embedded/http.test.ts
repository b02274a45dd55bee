/** k6/http on the embedded runtime: error codes, tags, proxying, keep-alive, batch, timings. */
import { expect } from 'chai';
import type { Socket } from 'node:net';
import { closedPort, runScript, useScriptFixture, values } from './helpers.ts';

describe('embedded runtime k6/http', function () {
  this.timeout(20_000);
  const fixture = useScriptFixture();
  const serve = fixture.serve;

  /** One request to `url`; its error code shows in which `http_reqs{error_code:N}` counted it. */
  const probe = (url: string, params = '{}') =>
    fixture.dir.script(`import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { 'http_reqs{error_code:1050}': ['count>=0'], 'http_reqs{error_code:1212}': ['count>=0'], 'http_reqs{error_code:1220}': ['count>=0'], 'http_reqs{error_code:1000}': ['count>=0'] } };
export default async function () {
  const res = await http.get(${JSON.stringify(url)}, ${params});
  check(res, { 'status 0': (r) => r.status === 0 });
}`);

  const errorCodeOf = async (url: string, params?: string) => {
    const result = await runScript(probe(url, params));
    expect(result.outcome, result.detail).to.equal('ok');
    for (const code of [1000, 1050, 1212, 1220]) {
      if (values(result, `http_reqs{error_code:${code}}`).count === 1) return code;
    }
    return undefined;
  };

  it('maps a refused connection to 1212', async () => {
    expect(await errorCodeOf(`http://127.0.0.1:${await closedPort()}/`)).to.equal(1212);
  });

  it('maps a request timeout to 1050', async () => {
    const silent = await serve(() => {});
    expect(await errorCodeOf(`${silent.url}/`, "{ timeout: '200ms' }")).to.equal(1050);
  });

  it('maps a connection reset to 1220 and a close without answer to 1000 (EOF)', async () => {
    const reset = await serve((req) => (req.socket as Socket).resetAndDestroy());
    expect(await errorCodeOf(`${reset.url}/`)).to.equal(1220);
    const eof = await serve((req) => req.socket.end());
    expect(await errorCodeOf(`${eof.url}/`)).to.equal(1000);
  });

  it("tags requests like k6 (status, method, url=name, expected_response, error_code, user and --tag tags)", async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      res.statusCode = n++ % 2 === 0 ? 200 : 503;
      res.end('x');
    });
    const path = fixture.dir.script(`import http from 'k6/http';
export const options = {
  iterations: 4,
  summaryTrendStats: ['avg', 'count'],
  tags: { origin: 'script' },
  thresholds: {
    'http_reqs{status:200,method:GET,url:named,name:named,expected_response:true,run:r1,origin:script,scenario:default}': ['count==2'],
    'http_reqs{status:503,error_code:1503,expected_response:false,proto:HTTP/1.1}': ['count==2'],
    'http_req_failed': ['rate==0.5'],
    'http_req_duration{expected_response:true}': ['max>=0'],
  },
};
export default async function () { await http.get('${server.url}/x', { tags: { name: 'named' } }); }`);
    const result = await runScript(path, { tags: { run: 'r1' } });
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'http_req_duration{expected_response:true}').count).to.equal(2);
  });

  it('honours expectedStatuses through setResponseCallback and per-request responseCallback', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    const path = fixture.dir.script(`import http from 'k6/http';
http.setResponseCallback(http.expectedStatuses(404, { min: 200, max: 204 }));
export const options = { iterations: 1, thresholds: { 'http_req_failed{expected_response:true}': ['rate==0'], 'http_req_failed{expected_response:false}': ['rate==1'] } };
export default async function () {
  await http.get('${server.url}/a');
  await http.get('${server.url}/b', { responseCallback: http.expectedStatuses(200) });
}`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'http_req_failed')).to.include({ passes: 1, fails: 1 });
  });

  it('a Host header in the params names the virtual host, as in k6 (gateway vantage)', async () => {
    let seenHost: string | undefined;
    const server = await serve((req, res) => {
      seenHost = req.headers.host;
      res.end('ok');
    });
    const result = await runScript(probe(`${server.url}/`, "{ headers: { Host: 'catalog.shop.svc.cluster.local' } }"));
    expect(result.outcome, result.detail).to.equal('ok');
    expect(seenHost).to.equal('catalog.shop.svc.cluster.local');
  });

  it('sends http:// requests to the proxy in absolute form (HTTP_PROXY)', async () => {
    const seen: { url?: string; host?: string }[] = [];
    const proxy = await serve((req, res) => {
      seen.push({ url: req.url, host: req.headers.host });
      res.end('via proxy');
    });
    const path = fixture.dir.script(`import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
export default async function () {
  const res = await http.get('http://appflaky.retryns.svc.cluster.local/unstable-endpoint?x=1');
  check(res, { 'proxied body': (r) => r.body === 'via proxy' });
}`);
    const result = await runScript(path, { httpProxy: proxy.url });
    expect(result.outcome, result.detail).to.equal('ok');
    expect(seen).to.deep.equal([{ url: 'http://appflaky.retryns.svc.cluster.local/unstable-endpoint?x=1', host: 'appflaky.retryns.svc.cluster.local' }]);
  });

  it('reuses one keep-alive connection per VU', async () => {
    const server = await serve();
    const path = fixture.dir.script(`import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 5 } } };
export default async function () { await http.get('${server.url}/'); }`);
    const result = await runScript(path);
    expect(values(result, 'http_reqs').count).to.equal(10);
    expect(server.connections).to.equal(2);
    expect(values(result, 'http_req_connecting').max).to.be.greaterThan(0);
    expect(values(result, 'data_sent').count).to.be.greaterThan(0);
    expect(values(result, 'data_received').count).to.be.greaterThan(0);
  });

  it('returns responses with k6 fields and timings that add up to duration', async () => {
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, body }));
      });
    });
    const path = fixture.dir.script(`import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
export default async function () {
  const res = await http.post('${server.url}/p', 'hello', { headers: { 'X-Test': '1' } });
  const t = res.timings;
  check(res, {
    'status': (r) => r.status === 200 && r.status_text === '200 OK' && r.proto === 'HTTP/1.1',
    'json': (r) => r.json().body === 'hello' && r.json().method === 'POST',
    'canonical headers': (r) => r.headers['Content-Type'] === 'application/json',
    'duration = sending + waiting + receiving': () => Math.abs(t.duration - (t.sending + t.waiting + t.receiving)) < 1e-9,
    'no error': (r) => r.error === '' && r.error_code === 0,
  });
  const [a, b] = await http.batch([['GET', '${server.url}/1'], { method: 'PUT', url: '${server.url}/2', body: 'x' }]);
  check(null, { 'batch': () => a.json().method === 'GET' && b.json().body === 'x' });
  const both = await Promise.all([http.asyncRequest('GET', '${server.url}/3'), http.del('${server.url}/4')]);
  check(null, { 'async': () => both[0].status === 200 && both[1].json().method === 'DELETE' });
}`);
    const result = await runScript(path);
    expect(result.outcome, result.detail).to.equal('ok');
    expect(values(result, 'http_reqs').count).to.equal(5);
  });
});
