/** What every lint rule is: a stable code, a severity, a one-line title, and a pure check over the plan. */
import type { AppBehaviour, Plan, Stage, WorkloadSpec } from '../../../model/plan.ts';
import { DEFAULT_BEHAVIOUR } from '../../../model/behaviour.ts';
import type { LintFinding, LintSeverity } from '../lint-finding.ts';
import { endpointCount, findWorkloadByHost } from '../../semantics/service-hosts.ts';
import type { DestinationRule, HttpRoute, OutlierDetection, VirtualService } from '../../../model/istio-objects.ts';

export interface LintRule {
  code: string;
  severity: LintSeverity;
  title: string;
  check(plan: Plan): LintFinding[];
}

export interface RouteInStage {
  stage: Stage;
  virtualService: VirtualService;
  route: HttpRoute;
  /** Field path of the route, e.g. `spec.http[0]`. */
  path: string;
  /** Workloads the route sends to, with their behaviour in this stage. */
  destinations: { workload: WorkloadSpec; behaviour: AppBehaviour }[];
}

/** Every http route of every stage, with the workloads it reaches. */
export function routesInPlan(plan: Plan): RouteInStage[] {
  const out: RouteInStage[] = [];
  for (const stage of plan.stages) {
    for (const virtualService of stage.config.virtualServices) {
      const namespace = virtualService.metadata.namespace ?? plan.namespace;
      (virtualService.spec.http ?? []).forEach((route, index) => {
        const destinations = (route.route ?? [])
          .map((d) => findWorkloadByHost(plan.workloads, d.destination.host, namespace))
          .filter((w): w is WorkloadSpec => w !== undefined)
          .map((workload) => ({ workload, behaviour: stageBehaviour(stage, workload) }));
        out.push({ stage, virtualService, route, path: `spec.http[${index}]`, destinations });
      });
    }
  }
  return out;
}

export function stageBehaviour(stage: Stage, workload: WorkloadSpec): AppBehaviour {
  return { ...DEFAULT_BEHAVIOUR, ...workload.behaviour, ...(stage.behaviour?.[workload.name] ?? {}) };
}

export interface OutlierInStage {
  stage: Stage;
  destinationRule: DestinationRule;
  outlier: OutlierDetection;
  /** Field path of the outlierDetection block. */
  path: string;
  workload?: WorkloadSpec;
  /** Endpoints behind the DestinationRule's host, over every Deployment its Service selects. */
  hosts: number;
}

/** Every outlierDetection block (top level and per subset) of every stage. */
export function outlierBlocksInPlan(plan: Plan): OutlierInStage[] {
  const out: OutlierInStage[] = [];
  for (const stage of plan.stages) {
    for (const destinationRule of stage.config.destinationRules) {
      const namespace = destinationRule.metadata.namespace ?? plan.namespace;
      const workload = findWorkloadByHost(plan.workloads, destinationRule.spec.host, namespace);
      const hosts = endpointCount(plan.workloads, destinationRule.spec.host, namespace);
      const top = destinationRule.spec.trafficPolicy?.outlierDetection;
      if (top) out.push({ stage, destinationRule, outlier: top, path: 'spec.trafficPolicy.outlierDetection', workload, hosts });
      (destinationRule.spec.subsets ?? []).forEach((subset, index) => {
        const own = subset.trafficPolicy?.outlierDetection;
        if (own) out.push({ stage, destinationRule, outlier: own, path: `spec.subsets[${index}].trafficPolicy.outlierDetection`, workload, hosts });
      });
    }
  }
  return out;
}
