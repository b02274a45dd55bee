import { MeshRuntime } from './harness/mesh/mesh-runtime.ts';
import { workload } from './test/mesh/helpers.ts';
import { performance } from 'node:perf_hooks';
const rt = await MeshRuntime.start({ seed: 1, profile: 'istio-1.24+', workloads: [workload()] });
console.log(JSON.stringify(rt.addresses()));
let last = performance.eventLoopUtilization();
const iv = setInterval(() => { const now = performance.eventLoopUtilization(); const d = performance.eventLoopUtilization(now, last); last = now; console.error('ELU', d.utilization.toFixed(2)); }, 1000);
setTimeout(async () => { clearInterval(iv); await rt.stop(); process.exit(0); }, 10000);
