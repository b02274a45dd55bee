/**
 * Where simulated pods live on the network. The API server refuses loopback pod IPs for
 * pods/proxy, so each simulated cluster gets its own network namespace joined to the host
 * by a veth pair: the host side holds 10.244.N.1, pod IPs 10.244.N.2… are added inside
 * (10.244.N.254 is the namespace's own).
 * Nothing uses the machine's own addresses, and everything stays on this machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface NetworkNamespace {
  readonly name: string;
  /** Host side of the veth pair: where the simulator's servers listen for the pods' side. */
  readonly hostAddress: string;
  /** The next free pod IP. */
  allocate(): Promise<string>;
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** Why network namespaces cannot be made here, or undefined when they can. */
export async function networkNamespaceUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'creating network namespaces (ip netns add) needs root';
  try {
    await ip('netns', 'list');
    return undefined;
  } catch (error) {
    return `ip netns does not work here: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A subnet index not used by another namespace or interface on this machine (two runs may share it). */
async function freeIndex(): Promise<number> {
  const used = await ip('-4', '-o', 'addr', 'show');
  for (let n = 10 + (process.pid % 200); ; n = (n + 1) % 250) {
    if (!used.includes(`10.244.${n}.`)) return n;
  }
}

export async function createNetworkNamespace(): Promise<NetworkNamespace> {
  const n = await freeIndex();
  const name = `rb-sim-${process.pid}-${n}`;
  const host = `rbh${process.pid % 100000}n${n}`.slice(0, 15);
  const peer = `rbp${process.pid % 100000}n${n}`.slice(0, 15);
  const hostAddress = `10.244.${n}.1`;
  let next = 2;
  // A test process that exits without its after hooks (an uncaught error, process.exit)
  // must not leave the namespace behind either; SIGKILL is the only way to leak it.
  const removeSync = () => {
    spawnSync('ip', ['link', 'del', host], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  };
  process.once('exit', removeSync);
  const remove = async () => {
    process.off('exit', removeSync);
    await ip('link', 'del', host).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
    await ip('link', 'set', peer, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/24`, 'dev', host);
    await ip('link', 'set', host, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    await ip('-n', name, 'link', 'set', peer, 'up');
    // The namespace's own address on the subnet makes the host side reachable from the pod IPs.
    await ip('-n', name, 'addr', 'add', `10.244.${n}.254/24`, 'dev', peer);
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    name,
    hostAddress,
    async allocate() {
      if (next > 253) throw new Error(`network namespace ${name} has no free pod IP left`);
      const address = `10.244.${n}.${next++}`;
      await ip('-n', name, 'addr', 'add', `${address}/32`, 'dev', peer);
      return address;
    },
    remove,
  };
}
