/**
 * relayResponse (harness/mesh/proxies/http-util.ts): a downstream that disconnects mid-response
 * resets the upstream stream, so the upstream connection (and the circuit-breaker slot
 * released when the upstream response closes) is not held forever.
 */
import { expect } from 'chai';
import http from 'node:http';
import type net from 'node:net';
import { relayResponse } from '../../harness/mesh/proxies/http-util.ts';

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('relayResponse', () => {
  it('closes the upstream response when the downstream leaves before its body ended', async () => {
    let upstreamClosed!: () => void;
    const upstreamGone = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    // An upstream that sends headers and part of its body, then holds the rest.
    const upstream = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      res.once('close', upstreamClosed);
    });
    const upstreamPort = await listen(upstream);
    const agent = new http.Agent({ keepAlive: true });
    let upstreamResponse: http.IncomingMessage | undefined;
    let relayed!: Promise<void>;
    const proxy = http.createServer((_req, res) => {
      http.get({ host: '127.0.0.1', port: upstreamPort, path: '/', agent }, (response) => {
        upstreamResponse = response;
        relayed = relayResponse(res, response, {});
      });
    });
    const proxyPort = await listen(proxy);
    try {
      await new Promise<void>((resolve) => {
        const request = http.get({ host: '127.0.0.1', port: proxyPort, path: '/' }, (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', () => undefined);
      });
      await relayed;
      await upstreamGone;
      expect(upstreamResponse?.destroyed).to.equal(true);
    } finally {
      agent.destroy();
      proxy.closeAllConnections();
      upstream.closeAllConnections();
      await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
    }
  });
});
