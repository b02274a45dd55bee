// Types for esbuild.config.mjs, which the harness imports to bundle scenarios before a run.
export function scenarioEntryPoints(scenarioDir?: string): string[];
export function bundleScenarios(options?: { entryPoints?: string[]; outdir?: string }): Promise<Record<string, string>>;
