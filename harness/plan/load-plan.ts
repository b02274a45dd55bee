/**
 * `loadPlan(file)`: read a plan file and everything it references, validate all of it,
 * and return a typed `Plan`. Every problem found is collected and thrown together as
 * `UserErrors` (each with a stable code, file:line:column and a one-line fix), so a user
 * fixes a plan in one round instead of one error at a time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type SourceLocation, UserError, UserErrors } from '../errors/user-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { suggestName } from '../yaml/closest-name.ts';
import { checkSchema, isRecord, report, type SchemaContext } from '../yaml/field-schema.ts';
import { readManifestFile } from '../yaml/parse-manifests.ts';
import { excerpt, readSourceFile } from '../yaml/read-source-file.ts';
import type { Gateway, IstioConfig, ManifestObject, MeshProfile } from '../model/istio-objects.ts';
import { serviceHostnames } from '../istio/semantics/service-hosts.ts';
import { groupIstioConfig, validateIstioObjects } from '../istio/validate/validate-config.ts';
import { locate, parseYaml, type Position } from '../yaml/yaml-source.ts';
import { type BehaviourField, parseBehaviourField } from '../model/behaviour.ts';
import { defaultVUs, PLAN_DEFAULTS, planSchema } from './plan-schema.ts';
import type { AppBehaviour, Expectation, Plan, ScenarioSettings, Stage, VantageName, WorkloadSpec } from '../model/plan.ts';
import { buildWorkloads } from './workloads.ts';

export async function loadPlan(file: string): Promise<Plan> {
  const planFile = resolve(file);
  const read = await readSourceFile(planFile);
  if (!read.ok) throw new UserErrors([read.error]);
  const text = read.text;
  const parsed = parseYaml(text, planFile, 'PLAN_YAML_SYNTAX');
  if (parsed.errors.length > 0) throw new UserErrors(parsed.errors);
  if (parsed.documents.length !== 1) {
    throw new UserErrors([
      new UserError({
        code: parsed.documents.length === 0 ? 'PLAN_MISSING_FIELD' : 'PLAN_BAD_VALUE',
        message: parsed.documents.length === 0 ? 'the plan file is empty' : `a plan file holds one YAML document, found ${parsed.documents.length}`,
        fix: parsed.documents.length === 0 ? 'start from manifests/plans/retries-lab.yaml' : 'remove the extra `---` documents',
        location: { file: planFile },
      }),
    ]);
  }
  const { value, positions } = parsed.documents[0];
  const loader = new PlanLoader(planFile, positions, text);
  const plan = await loader.load(value);
  if (loader.errors.length > 0) throw new UserErrors(orderErrors(loader.errors, planFile));
  return plan;
}

/** One plan load: accumulates errors, caches referenced files, feeds the hash. */
class PlanLoader {
  readonly errors: UserError[] = [];
  private readonly ctx: SchemaContext;
  private readonly dir: string;
  /** Referenced files in first-use order with their bytes, for the hash. */
  private readonly referenced = new Map<string, Buffer>();
  private readonly configCache = new Map<string, Promise<ManifestObject[]>>();

  constructor(
    private readonly file: string,
    private readonly positions: Map<string, Position>,
    private readonly planText: string,
  ) {
    this.dir = dirname(file);
    this.ctx = { file, positions, codes: { unknownField: 'PLAN_UNKNOWN_FIELD', missingField: 'PLAN_MISSING_FIELD', badValue: 'PLAN_BAD_VALUE' }, errors: this.errors };
  }

  async load(value: unknown): Promise<Plan> {
    checkSchema(value, planSchema, '', this.ctx);
    const root = isRecord(value) ? value : {};
    const metadata = isRecord(root.metadata) ? root.metadata : {};
    const spec = isRecord(root.spec) ? root.spec : {};

    const built = await this.loadWorkloads(stringList(spec.workloads), 'spec.workloads', typeof spec.namespace === 'string' ? spec.namespace : undefined);
    const namespace = this.namespace(spec.namespace, built.workloads);
    const scenario = this.scenario(isRecord(spec.scenario) ? spec.scenario : {}, built.workloads);
    const vantages = this.vantages(spec.vantages);
    const stages: Stage[] = [];
    const rawStages = Array.isArray(spec.stages) ? spec.stages : [];
    const seen = new Map<string, number>();
    for (const [index, raw] of rawStages.entries()) {
      if (!isRecord(raw)) continue;
      const path = `spec.stages[${index}]`;
      const name = typeof raw.name === 'string' ? raw.name : `stage-${index + 1}`;
      const first = seen.get(name);
      if (first !== undefined) {
        this.problem('PLAN_DUPLICATE_STAGE', `${path}.name`, `stage name \`${name}\` is used twice (first at line ${this.positions.get(`spec.stages[${first}]`)?.line ?? '?'})`, 'give every stage a unique name');
      } else seen.set(name, index);
      stages.push(await this.stage({ raw, path, name, namespace, vantages, workloads: built.workloads, sharedGateways: built.gateways }));
    }
    return {
      name: typeof metadata.name === 'string' ? metadata.name : '',
      ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
      file: this.file,
      hash: this.hash(),
      meshProfile: (spec.meshProfile as MeshProfile | undefined) ?? PLAN_DEFAULTS.meshProfile,
      namespace,
      workloads: built.workloads,
      scenario,
      vantages,
      stages,
    };
  }

  /** Workload objects without a namespace go to the plan's namespace when it is given (else `default`, as kubectl would). */
  private async loadWorkloads(paths: string[], listPath: string, defaultNamespace: string | undefined): Promise<{ workloads: WorkloadSpec[]; gateways: Gateway[] }> {
    const objects: ManifestObject[] = [];
    for (const [index, path] of paths.entries()) {
      const absolute = resolve(this.dir, path);
      const referencedFrom = this.at(`${listPath}[${index}]`);
      if (!(await this.remember(absolute, referencedFrom))) continue;
      const parsed = await readManifestFile(absolute, { codePrefix: 'WORKLOAD', referencedFrom, defaultNamespace });
      this.errors.push(...parsed.errors);
      objects.push(...parsed.objects);
    }
    const built = buildWorkloads(objects);
    this.errors.push(...built.errors);
    if (paths.length > 0 && objects.length > 0 && built.workloads.length === 0 && built.errors.length === 0) {
      this.problem('WORKLOAD_MISSING_FIELD', listPath, 'the workload files hold no Deployment', 'list a file with a Deployment and its Service');
    }
    const gatewayErrors = validateIstioObjects(built.gateways);
    this.errors.push(...gatewayErrors);
    return built;
  }

  private namespace(value: unknown, workloads: WorkloadSpec[]): string {
    if (typeof value === 'string') return value;
    const namespaces = [...new Set(workloads.map((w) => w.namespace))];
    if (namespaces.length === 1) return namespaces[0];
    if (namespaces.length > 1) {
      this.problem('PLAN_MISSING_FIELD', 'spec', `spec.namespace is needed: the workloads live in ${namespaces.join(', ')}`, 'add `namespace:` under spec (where stage objects without a namespace go)');
    }
    return 'default';
  }

  private scenario(raw: Record<string, unknown>, workloads: WorkloadSpec[]): ScenarioSettings {
    const rate = typeof raw.rate === 'number' ? raw.rate : PLAN_DEFAULTS.rate;
    const vus = defaultVUs(rate);
    const scenario: ScenarioSettings = {
      script: typeof raw.script === 'string' ? raw.script : PLAN_DEFAULTS.script,
      url: typeof raw.url === 'string' ? raw.url : '',
      rate,
      duration: typeof raw.duration === 'string' ? raw.duration : PLAN_DEFAULTS.duration,
      preAllocatedVUs: typeof raw.preAllocatedVUs === 'number' ? raw.preAllocatedVUs : vus.preAllocatedVUs,
      maxVUs: typeof raw.maxVUs === 'number' ? raw.maxVUs : Math.max(vus.maxVUs, typeof raw.preAllocatedVUs === 'number' ? raw.preAllocatedVUs : 0),
      requestTimeout: typeof raw.requestTimeout === 'string' ? raw.requestTimeout : PLAN_DEFAULTS.requestTimeout,
      env: isRecord(raw.env) ? Object.fromEntries(Object.entries(raw.env).map(([k, v]) => [k, String(v)])) : {},
      ...(typeof raw.runners === 'number' ? { runners: raw.runners } : {}),
    };
    if (scenario.preAllocatedVUs > scenario.maxVUs) {
      this.problem('PLAN_BAD_VALUE', 'spec.scenario.maxVUs', `maxVUs (${scenario.maxVUs}) is below preAllocatedVUs (${scenario.preAllocatedVUs})`, 'raise maxVUs or lower preAllocatedVUs');
    }
    this.checkScript(scenario.script);
    if (scenario.url && workloads.length > 0) this.checkUrl(scenario.url, workloads);
    return scenario;
  }

  /** The scenario must exist in the project's scenarios/ folder, when the plan lives in a project. */
  private checkScript(script: string): void {
    const scenariosDir = findUp(this.dir, 'scenarios');
    if (!scenariosDir) return;
    if (['.ts', '.js'].some((ext) => existsSync(join(scenariosDir, `${script}${ext}`)))) return;
    const available = readdirSync(scenariosDir)
      .filter((f) => /\.(ts|js)$/.test(f))
      .map((f) => f.replace(/\.(ts|js)$/, ''));
    this.problem('PLAN_BAD_VALUE', 'spec.scenario.script', `no scenario \`${script}\` in ${scenariosDir}`, suggestName(script, available, 'available scenarios'));
  }

  /** The URL's host must be one of the workloads' Services, as the in-mesh client would resolve it. */
  private checkUrl(url: string, workloads: WorkloadSpec[]): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // The schema's pattern has reported a URL without a scheme; this is one that still does not parse (bad host or port).
      if (/^https?:\/\//.test(url)) this.problem('PLAN_BAD_URL', 'spec.scenario.url', `\`${excerpt(url, 100)}\` is not a valid URL (host or port)`, 'use http://<service>.<namespace>.svc.cluster.local[:port]/<path>');
      return;
    }
    const { hostname, port } = parsed;
    const known: string[] = [];
    for (const workload of workloads) {
      for (const service of workload.objects.filter((o) => o.kind === 'Service')) {
        const names = serviceHostnames(service.metadata.name, workload.namespace);
        known.push(names[names.length - 1]);
        if (names.includes(hostname)) {
          if (port !== '' && Number(port) !== workload.servicePort) {
            this.problem('PLAN_BAD_VALUE', 'spec.scenario.url', `port ${port} is not the port of Service ${service.metadata.name} (${workload.servicePort})`, `use port ${workload.servicePort} or leave the port out`);
          }
          return;
        }
      }
    }
    this.problem('PLAN_BAD_VALUE', 'spec.scenario.url', `no workload Service answers host ${hostname}`, suggestName(hostname, known, 'known hosts'));
  }

  private vantages(value: unknown): VantageName[] {
    if (!Array.isArray(value)) return [...PLAN_DEFAULTS.vantages];
    const seen = new Set<string>();
    value.forEach((vantage, index) => {
      if (seen.has(vantage)) this.problem('PLAN_BAD_VALUE', `spec.vantages[${index}]`, `vantage ${vantage} is listed twice`, 'list each vantage once');
      seen.add(vantage);
    });
    return [...seen] as VantageName[];
  }

  private async stage(options: {
    raw: Record<string, unknown>;
    path: string;
    name: string;
    namespace: string;
    vantages: VantageName[];
    workloads: WorkloadSpec[];
    sharedGateways: Gateway[];
  }): Promise<Stage> {
    const { raw, path, name, namespace } = options;
    const configFiles = stringList(raw.config).map((p) => resolve(this.dir, p));
    const objects: ManifestObject[] = [];
    for (const [index, configFile] of configFiles.entries()) {
      objects.push(...(await this.configObjects(configFile, namespace, this.at(`${path}.config[${index}]`))));
    }
    // Duplicates across files of one stage are only visible once the files are combined.
    this.errors.push(...validateIstioObjects(objects).filter((e) => e.code === 'ISTIO_DUPLICATE_OBJECT'));
    const config: IstioConfig = groupIstioConfig(objects);
    config.gateways.push(...options.sharedGateways.filter((g) => !config.gateways.some((own) => own.metadata.name === g.metadata.name)));
    const stage: Stage = {
      name,
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
      configFiles,
      config,
      expect: this.expectations(raw.expect, `${path}.expect`, options.vantages),
      source: this.at(path),
    };
    const behaviour = this.behaviour(raw.behaviour, `${path}.behaviour`, options.workloads);
    if (behaviour) stage.behaviour = behaviour;
    return stage;
  }

  /** Objects of one config file, parsed and validated once however many stages use it. */
  private configObjects(file: string, namespace: string, referencedFrom: SourceLocation): Promise<ManifestObject[]> {
    let cached = this.configCache.get(file);
    if (!cached) {
      cached = (async () => {
        if (!(await this.remember(file, referencedFrom))) return [];
        const parsed = await readManifestFile(file, { defaultNamespace: namespace, codePrefix: 'ISTIO', referencedFrom });
        // Duplicates are checked per stage, across all of its files (see `stage`).
        this.errors.push(...parsed.errors, ...validateIstioObjects(parsed.objects).filter((e) => e.code !== 'ISTIO_DUPLICATE_OBJECT'));
        return parsed.objects;
      })();
      this.configCache.set(file, cached);
    }
    return cached;
  }

  private expectations(value: unknown, path: string, vantages: VantageName[]): Partial<Record<VantageName, Expectation>> {
    const out: Partial<Record<VantageName, Expectation>> = {};
    if (!isRecord(value)) return out;
    for (const [vantage, raw] of Object.entries(value)) {
      if (!isRecord(raw)) continue;
      const at = `${path}.${vantage}`;
      if (!vantages.includes(vantage as VantageName)) {
        if (['in-mesh', 'external', 'gateway'].includes(vantage)) {
          this.problem('PLAN_BAD_VALUE', at, `expectation for vantage ${vantage}, which the plan does not run`, `add ${vantage} to spec.vantages or remove this expectation`);
        }
        continue;
      }
      out[vantage as VantageName] = { ...(raw as Omit<Expectation, 'source'>), source: this.at(at) };
    }
    return out;
  }

  private behaviour(value: unknown, path: string, workloads: WorkloadSpec[]): Record<string, Partial<AppBehaviour>> | undefined {
    if (!isRecord(value)) return undefined;
    const out: Record<string, Partial<AppBehaviour>> = {};
    for (const [workload, raw] of Object.entries(value)) {
      const at = `${path}.${workload}`;
      if (!workloads.some((w) => w.name === workload)) {
        this.problem('PLAN_BAD_VALUE', at, `no workload named \`${workload}\``, suggestName(workload, workloads.map((w) => w.name), 'workloads'));
        continue;
      }
      if (!isRecord(raw)) continue;
      const override: Partial<AppBehaviour> = {};
      for (const [field, fieldValue] of Object.entries(raw)) {
        if (fieldValue === undefined || fieldValue === null) continue;
        const parsed = parseBehaviourField(field as BehaviourField, String(fieldValue));
        if ('error' in parsed) this.problem('PLAN_BAD_VALUE', `${at}.${field}`, `${field}: ${parsed.error}`, `fix the value of ${field}`);
        else (override as Record<string, unknown>)[field] = parsed.value;
      }
      out[workload] = override;
    }
    return out;
  }

  /** Reads a referenced file's bytes for the hash (only what a manifest can be: see readSourceFile); reports it when it cannot be used. */
  private async remember(file: string, referencedFrom: SourceLocation): Promise<boolean> {
    if (this.referenced.has(file)) return true;
    const read = await readSourceFile(file, referencedFrom);
    if (!read.ok) {
      this.errors.push(read.error);
      return false;
    }
    this.referenced.set(file, Buffer.from(read.text, 'utf8'));
    return true;
  }

  /** sha256 over the plan and every referenced file (path relative to the plan, then bytes), in first-use order. */
  private hash(): string {
    const hash = createHash('sha256');
    hash.update('plan\0');
    hash.update(this.planText);
    for (const [file, bytes] of this.referenced) {
      hash.update(`\0${relative(this.dir, file)}\0`);
      hash.update(bytes);
    }
    return hash.digest('hex');
  }

  private at(path: string): SourceLocation {
    return locate(this.file, this.positions, path);
  }

  private problem(code: ErrorCode, path: string, message: string, fix: string): void {
    report(this.ctx, code, path, { message, fix });
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function findUp(start: string, folder: string): string | undefined {
  let current = start;
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(current, folder);
    if (existsSync(join(current, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/**
 * Each problem once (a file used by several stages is validated once, but a duplicate
 * across files could be reported per stage), plan file first, then referenced files in
 * the order they were first reported, by line within each file.
 */
function orderErrors(errors: UserError[], planFile: string): UserError[] {
  const unique = new Map<string, UserError>();
  for (const error of errors) {
    const key = `${error.code}|${error.location?.file}|${error.location?.line}|${error.location?.column}|${error.message}`;
    if (!unique.has(key)) unique.set(key, error);
  }
  const fileOrder = [planFile];
  for (const error of unique.values()) {
    const file = error.location?.file ?? '';
    if (!fileOrder.includes(file)) fileOrder.push(file);
  }
  return [...unique.values()].sort(
    (a, b) =>
      fileOrder.indexOf(a.location?.file ?? '') - fileOrder.indexOf(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}
