/**
 * The simulated cluster's one Node: Ready, with only an InternalIP (the API server is
 * started with --kubelet-preferred-address-types=InternalIP) and the test kubelet's port
 * as its daemon endpoint. The fixture runs no node-lifecycle controller, so the node needs
 * no heartbeat; it is deleted when the simulator stops.
 */
import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';

export async function registerNode(kc: KubeConfig, options: { name: string; address: string; kubeletPort: number }): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const now = new Date();
  const node: V1Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: options.name, labels: { 'kubernetes.io/hostname': options.name, 'kubernetes.io/os': 'linux' } },
    status: {
      addresses: [{ type: 'InternalIP', address: options.address }],
      daemonEndpoints: { kubeletEndpoint: { Port: options.kubeletPort } },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test kubelet', lastHeartbeatTime: now, lastTransitionTime: now }],
      capacity: { cpu: '8', memory: '16Gi', pods: '250' },
      allocatable: { cpu: '8', memory: '16Gi', pods: '250' },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'test://0',
        kernelVersion: '',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.34.12',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'resilience-bench test node',
        systemUUID: '',
      },
    },
  };
  await core.createNode({ body: node });
}

export async function removeNode(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNode({ name })
    .catch(() => undefined);
}
