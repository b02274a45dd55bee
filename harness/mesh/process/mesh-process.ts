/**
 * Entry point of the mesh's own process (forked by `startLocalMesh`). Runs a MeshRuntime
 * and answers the parent's requests. It ignores SIGINT, so a Ctrl-C in the terminal lets
 * the parent stop the mesh in order, and it shuts down by itself as soon as the parent
 * goes away (IPC disconnect), so a dead parent never leaves ports behind.
 */
import { UserError, UserErrors } from '../../errors/user-error.ts';
import type { MeshReplyMessage, MeshRequestMessage, SerializedError } from './ipc-protocol.ts';
import { MeshRuntime } from './mesh-runtime.ts';

let runtime: MeshRuntime | undefined;
let starting: Promise<MeshRuntime> | undefined;

function serialize(error: unknown): SerializedError {
  if (error instanceof UserError) return { userError: true, code: error.code, message: error.message, fix: error.fix, location: error.location };
  if (error instanceof UserErrors) return { userError: true, message: error.message, errors: error.errors.map(serialize) };
  const e = error instanceof Error ? error : new Error(String(error));
  return { userError: false, message: e.message, stack: e.stack };
}

async function dispatch(message: MeshRequestMessage): Promise<unknown> {
  if (message.method === 'start') {
    starting = MeshRuntime.start(message.options);
    runtime = await starting;
    return runtime.addresses();
  }
  if (!runtime) throw new Error(`mesh is not running (got ${message.method})`);
  switch (message.method) {
    case 'applyConfig':
      return runtime.applyConfig(message.config, message.behaviour);
    case 'waitForVersion':
      return runtime.waitForVersion(message.version, message.timeoutMs);
    case 'stats':
      return runtime.stats();
    case 'resetStats':
      return runtime.resetStats();
    case 'drainAccessLog':
      return runtime.drainAccessLog();
    case 'stop':
      await runtime.stop();
      return undefined;
  }
}

async function shutdown(): Promise<void> {
  const running = runtime ?? (await starting?.catch(() => undefined));
  await running?.stop();
  process.exit(0);
}

process.on('message', (message: MeshRequestMessage) => {
  dispatch(message).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies MeshReplyMessage),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: serialize(error) } satisfies MeshReplyMessage),
  );
});
process.on('disconnect', () => void shutdown());
process.on('SIGINT', () => {
  // The parent owns the mesh's lifetime; it stops us (or disconnects) when it is done.
});
process.on('SIGTERM', () => void shutdown());
