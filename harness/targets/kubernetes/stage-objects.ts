/** A stage's Istio objects as API objects, and what changed between two stages. */
import type { IstioConfig } from '../../model/istio-objects.ts';
import { type KubeObject, type ObjectRef, refKey, refOf, toKubeObject } from './object-ref.ts';

export function stageObjects(config: IstioConfig): KubeObject[] {
  // PeerAuthentications first: a stage that tightens mTLS does so before routes change.
  return [...config.peerAuthentications, ...config.destinationRules, ...config.gateways, ...config.virtualServices].map((o) => toKubeObject(o));
}

/** Objects `previous` declared that `next` does not: removed when the stage is applied. */
export function undeclared(previous: readonly KubeObject[], next: readonly KubeObject[]): ObjectRef[] {
  const keep = new Set(next.map((o) => refKey(refOf(o))));
  return previous.map((o) => refOf(o)).filter((ref) => !keep.has(refKey(ref)));
}

/**
 * Whether the stages differ in something a route's retry policy does not show (mTLS mode,
 * DestinationRule pools and outlier detection, Gateways): those get a settle time after
 * the route is observed.
 */
export function changesBeyondRoutes(previous: readonly KubeObject[], next: readonly KubeObject[]): boolean {
  const pick = (objects: readonly KubeObject[]) =>
    JSON.stringify(
      objects
        .filter((o) => o.kind !== 'VirtualService')
        .map((o) => [refKey(refOf(o)), o.spec])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  return pick(previous) !== pick(next);
}
