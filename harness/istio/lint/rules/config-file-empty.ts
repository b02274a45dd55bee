/**
 * RB111: a stage lists a config file that holds no Istio object (empty, only comments, or
 * only `---`). Since a stage's files are its whole configuration, the stage then runs
 * without what that file was meant to add, usually a sign of a wrong path or an unsaved
 * file.
 */
import type { LintRule } from './rule.ts';

export const configFileEmpty: LintRule = {
  code: 'RB111',
  severity: 'warning',
  title: 'config file with no Istio object in it',
  check(plan) {
    return plan.stages.flatMap((stage) => {
      const { virtualServices, destinationRules, peerAuthentications, gateways } = stage.config;
      const files = new Set([...virtualServices, ...destinationRules, ...peerAuthentications, ...gateways].map((o) => o.source.file));
      return stage.configFiles
        .filter((file) => !files.has(file))
        .map((file) => ({
          code: this.code,
          severity: this.severity,
          stage: stage.name,
          location: { file, line: 1 },
          message: `${file} holds no Istio object: stage ${stage.name} runs without anything from it`,
          fix: 'check the path in the plan and the file\'s contents, or remove it from the stage\'s `config`',
        }));
    });
  },
};
