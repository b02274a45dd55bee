// Runs inside the simulator's network namespace (ip netns exec): answers on every pod IP's
// ports as the pod would (15020: pilot-agent's stats; 6565: a paused k6's REST API) by
// passing each request to the simulator's server for that port on the host side of the veth
// pair, naming the pod IP it arrived on. Plain JavaScript: it runs under node without a
// TypeScript loader. Arguments: the host address, then `podPort=hostPort` pairs.
import http from 'node:http';

const [upstreamHost, ...pairs] = process.argv.slice(2);
let listening = 0;
for (const pair of pairs) {
  const [podPort, upstreamPort] = pair.split('=').map(Number);
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: upstreamHost, port: upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, 'x-pod-ip': req.socket.localAddress ?? '' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  server.listen(podPort, '0.0.0.0', () => {
    if (++listening === pairs.length) process.stdout.write('ready\n');
  });
}
// The simulator closes our stdin when it stops, or dies: either way this process ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
