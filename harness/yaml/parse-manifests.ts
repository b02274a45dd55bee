/**
 * Multi-document Kubernetes/Istio manifest files → `ManifestObject`s that remember their
 * file and the line of every field. Only the envelope (apiVersion, kind, metadata) is
 * checked here; kind-specific validation is in `validate-config.ts`.
 */
import { type SourceLocation, UserError } from '../errors/user-error.ts';
import { checkSchema, isRecord, type Schema, type SchemaCodes, type SchemaContext } from './field-schema.ts';
import type { ManifestObject } from '../model/istio-objects.ts';
import { parseYaml, type Position } from './yaml-source.ts';
import { readSourceFile } from './read-source-file.ts';

export interface ParsedManifests {
  objects: ManifestObject[];
  errors: UserError[];
}

export interface ParseManifestOptions {
  /** Namespace given to objects without one, as `kubectl apply -n` would. */
  defaultNamespace?: string;
  /** Error code prefix for the envelope checks: `ISTIO` for stage config, `WORKLOAD` for workload files. */
  codePrefix?: 'ISTIO' | 'WORKLOAD';
}

// Positions with columns are kept beside the objects rather than in them, so the objects
// stay plain data (serialisable into run.json) while validators still point at line:column.
const positionsByObject = new WeakMap<ManifestObject<unknown>, Map<string, Position>>();

export function manifestPositions(object: ManifestObject<unknown>): Map<string, Position> {
  return positionsByObject.get(object) ?? new Map(Object.entries(object.lines ?? {}).map(([path, line]) => [path, { line, column: 1 }]));
}

/** Where `path` of `object` was written (falls back to the nearest written parent). */
export function locateField(object: ManifestObject<unknown>, path: string): SourceLocation {
  const positions = manifestPositions(object);
  let current = path;
  for (;;) {
    const position = positions.get(current);
    if (position) return { file: object.source.file, line: position.line, column: position.column };
    if (current === '') return object.source;
    const cut = Math.max(current.lastIndexOf('.'), current.endsWith(']') ? current.lastIndexOf('[') : -1);
    current = cut < 0 ? '' : current.slice(0, cut);
  }
}

const metadataSchema: Schema = {
  type: 'object',
  required: true,
  fields: {
    name: { type: 'string', required: true, pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, patternHint: 'a lowercase DNS name (a-z, 0-9, -, .)' },
    namespace: { type: 'string', pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, patternHint: 'a lowercase DNS label (a-z, 0-9, -)' },
    labels: { type: 'map', values: { type: 'scalar' } },
    annotations: { type: 'map', values: { type: 'scalar' } },
  },
};

const envelopeSchema: Schema = {
  type: 'object',
  fields: {
    apiVersion: { type: 'string', required: true },
    kind: { type: 'string', required: true },
    metadata: metadataSchema,
    // Kind-specific: checked by the kind's own schema (Istio) or read selectively (workloads).
    spec: { type: 'any' },
    data: { type: 'any' },
    stringData: { type: 'any' },
    status: { type: 'any' },
  },
};

/** The envelope checks' codes, by what the file holds. */
const SCHEMA_CODES: Record<'ISTIO' | 'WORKLOAD', SchemaCodes> = {
  ISTIO: { unknownField: 'ISTIO_UNKNOWN_FIELD', missingField: 'ISTIO_MISSING_FIELD', badValue: 'ISTIO_INVALID_FIELD' },
  WORKLOAD: { unknownField: 'WORKLOAD_UNKNOWN_FIELD', missingField: 'WORKLOAD_MISSING_FIELD', badValue: 'WORKLOAD_INVALID_FIELD' },
};

export function parseManifests(text: string, file: string, options: ParseManifestOptions = {}): ParsedManifests {
  const prefix = options.codePrefix ?? 'ISTIO';
  const parsed = parseYaml(text, file, 'PLAN_YAML_SYNTAX');
  const errors = [...parsed.errors];
  const objects: ManifestObject[] = [];
  for (const document of parsed.documents) {
    if (document.value === null || document.value === undefined) continue;
    const ctx: SchemaContext = {
      file,
      positions: document.positions,
      codes: SCHEMA_CODES[prefix],
      errors: [],
    };
    checkSchema(document.value, envelopeSchema, '', ctx);
    errors.push(...ctx.errors);
    if (ctx.errors.length > 0 || !isRecord(document.value)) continue;
    const raw = document.value as Record<string, unknown>;
    // A spec that is not a mapping would be read as an empty one: a PeerAuthentication
    // with `spec: 5` would silently mean PERMISSIVE where the author meant STRICT.
    if (raw.spec !== undefined && raw.spec !== null && !isRecord(raw.spec)) {
      const at = document.positions.get('spec') ?? document.positions.get('') ?? { line: 1, column: 1 };
      errors.push(
        new UserError({
          code: SCHEMA_CODES[prefix].badValue,
          message: `spec must be a mapping (key: value), got ${Array.isArray(raw.spec) ? 'a list' : typeof raw.spec}`,
          fix: 'write the fields of the object under `spec:`, indented',
          location: { file, line: at.line, column: at.column },
        }),
      );
      continue;
    }
    const metadata = raw.metadata as ManifestObject['metadata'];
    const root = document.positions.get('') ?? { line: 1, column: 1 };
    const object: ManifestObject = {
      apiVersion: raw.apiVersion as string,
      kind: raw.kind as string,
      metadata: { ...metadata, namespace: metadata.namespace ?? options.defaultNamespace, ...stringLabels(metadata) },
      spec: (isRecord(raw.spec) ? raw.spec : {}) as Record<string, unknown>,
      source: { file, line: root.line, column: root.column },
      lines: Object.fromEntries([...document.positions].map(([path, position]) => [path, position.line])),
    };
    if (object.metadata.namespace === undefined) delete object.metadata.namespace;
    positionsByObject.set(object, document.positions);
    objects.push(object);
  }
  return { objects, errors };
}

export async function readManifestFile(file: string, options: ParseManifestOptions & { referencedFrom?: SourceLocation } = {}): Promise<ParsedManifests> {
  const read = await readSourceFile(file, options.referencedFrom);
  if (!read.ok) return { objects: [], errors: [read.error] };
  return parseManifests(read.text, file, options);
}

export { fileNotReadable as fileNotFound } from './read-source-file.ts';

/** Label values written as numbers or booleans in YAML become strings, as Kubernetes requires. */
function stringLabels(metadata: ManifestObject['metadata']): Partial<ManifestObject['metadata']> {
  const out: Partial<ManifestObject['metadata']> = {};
  if (metadata.labels) out.labels = Object.fromEntries(Object.entries(metadata.labels).map(([k, v]) => [k, String(v)]));
  if (metadata.annotations) out.annotations = Object.fromEntries(Object.entries(metadata.annotations).map(([k, v]) => [k, String(v)]));
  return out;
}
