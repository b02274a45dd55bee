/**
 * Running a command in a pod's container through the API server (pods/exec, WebSocket to
 * the API server, which speaks SPDY to the kubelet) and collecting its output.
 */
import { Writable } from 'node:stream';
import { Exec, type KubeConfig } from '@kubernetes/client-node';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  timeoutMs?: number;
}

export async function execCapture(kc: KubeConfig, request: ExecRequest): Promise<string> {
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  const collect = (into: Buffer[]) =>
    new Writable({
      write(chunk, _encoding, callback) {
        into.push(Buffer.from(chunk));
        callback();
      },
    });
  const exec = new Exec(kc);
  return new Promise<string>((resolve, reject) => {
    let socket: { close(): void } | undefined;
    const timer = setTimeout(() => {
      socket?.close();
      reject(new Error(`exec in ${request.namespace}/${request.pod} timed out after ${request.timeoutMs ?? 20_000} ms`));
    }, request.timeoutMs ?? 20_000);
    exec
      .exec(request.namespace, request.pod, request.container, request.command, collect(chunks), collect(errors), null, false, (status) => {
        clearTimeout(timer);
        if (status.status === 'Success') resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`${request.command.join(' ')} in ${request.namespace}/${request.pod}: ${status.message ?? status.status} ${Buffer.concat(errors).toString('utf8').slice(0, 300)}`.trim()));
      })
      .then(
        (ws) => {
          socket = ws;
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}
