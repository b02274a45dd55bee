// Runs inside the simulator's network namespace (ip netns exec): answers on every pod IP's
// port 15020 as pilot-agent would, by passing the request to the simulator's stats server on
// the host side of the veth pair, naming the pod IP it arrived on. Plain JavaScript: it
// runs under node without a TypeScript loader.
import http from 'node:http';

const [upstreamHost, upstreamPort] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const forward = http.request(
    { host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: { 'x-pod-ip': req.socket.localAddress ?? '' } },
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
server.listen(15020, '0.0.0.0', () => process.stdout.write('ready\n'));
// The simulator closes our stdin when it stops, or dies: either way this process ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
