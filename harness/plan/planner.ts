/**
 * The pure planner: plan + command-line selection → the stages to run, each with the
 * vantages to run it from, in plan order. No I/O; everything it rejects is a UserError.
 */
import { UserError } from '../errors/user-error.ts';
import { suggestName } from '../yaml/closest-name.ts';
import type { IstioConfig } from '../model/istio-objects.ts';
import { type Plan, type Stage, type VantageName, VANTAGES } from '../model/plan.ts';

export interface PlannedStage {
  stage: Stage;
  vantages: VantageName[];
}

export interface PlanOptions {
  /** Only these stages (in plan order, whatever order they are given in). */
  stages?: string[];
  /** Only these vantages (must be among the plan's). */
  vantages?: VantageName[];
}

export function planSteps(plan: Plan, options: PlanOptions = {}): PlannedStage[] {
  const stageNames = plan.stages.map((s) => s.name);
  for (const name of options.stages ?? []) {
    if (!stageNames.includes(name)) {
      throw new UserError({
        code: 'PLAN_UNKNOWN_STAGE',
        message: `plan ${plan.name} has no stage \`${name}\``,
        fix: suggestName(name, stageNames, 'stages'),
        location: { file: plan.file },
      });
    }
  }
  for (const vantage of options.vantages ?? []) {
    if (!plan.vantages.includes(vantage)) {
      const known = (VANTAGES as readonly string[]).includes(vantage);
      throw new UserError({
        code: 'PLAN_UNKNOWN_VANTAGE',
        message: known ? `plan ${plan.name} does not run vantage \`${vantage}\`` : `\`${vantage}\` is not a vantage`,
        fix: known ? `add ${vantage} to spec.vantages, or pick one of: ${plan.vantages.join(', ')}` : suggestName(vantage, plan.vantages, 'vantages'),
        location: { file: plan.file },
      });
    }
  }
  const selectedStages = options.stages && options.stages.length > 0 ? plan.stages.filter((s) => options.stages!.includes(s.name)) : plan.stages;
  const selectedVantages = options.vantages && options.vantages.length > 0 ? plan.vantages.filter((v) => options.vantages!.includes(v)) : plan.vantages;
  return selectedStages.map((stage) => {
    if (selectedVantages.includes('gateway') && !hasGateway(stage.config)) {
      throw new UserError({
        code: 'PLAN_GATEWAY_MISSING',
        message: `stage ${stage.name} runs the gateway vantage but its config has no Gateway`,
        fix: 'add a Gateway to the stage config or to a workload file, or drop the gateway vantage',
        location: stage.source,
        stage: stage.name,
        vantage: 'gateway',
      });
    }
    return { stage, vantages: [...selectedVantages] };
  });
}

function hasGateway(config: IstioConfig): boolean {
  return config.gateways.length > 0;
}
