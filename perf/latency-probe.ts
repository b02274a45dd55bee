/**
 * Latency at a fixed request rate, in microseconds: autocannon reports whole
 * milliseconds, too coarse for a proxy hop that costs a fraction of one. Requests leave on
 * a schedule (open model: a slow answer does not delay the next request) over kept-alive
 * connections, and each is timed from the moment it is sent with the monotonic clock (from
 * its scheduled start, timer lateness in this process would be counted as the proxy's).
 */
import http from 'node:http';

export interface ProbeResult {
  p50Us: number;
  p99Us: number;
  errors: number;
  non2xx: number;
  sent: number;
}

export async function probeLatency(options: { url: string; path: string; rate: number; seconds: number; connections: number; host?: string }): Promise<ProbeResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const samples = new Float64Array(total);
  let errors = 0;
  let non2xx = 0;
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const sent = process.hrtime.bigint();
      const req = http.request({ host: target.hostname, port: target.port, path: options.path, agent, headers: options.host ? { host: options.host } : undefined }, (res) => {
        res.resume();
        res.on('end', () => {
          samples[i] = Number(process.hrtime.bigint() - sent) / 1000;
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++;
          resolve();
        });
      });
      req.on('error', () => {
        samples[i] = Number.NaN;
        errors++;
        resolve();
      });
      req.end();
    });
  const start = process.hrtime.bigint();
  const intervalNs = BigInt(Math.round(1e9 / options.rate));
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + BigInt(i) * intervalNs;
    const waitMs = Number(scheduled - process.hrtime.bigint()) / 1e6;
    if (waitMs >= 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    pending.push(one(i));
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = Array.from(samples)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : Number.NaN);
  return { p50Us: at(0.5), p99Us: at(0.99), errors, non2xx, sent: total };
}
