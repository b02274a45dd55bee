/**
 * The tag set of one HTTP request's samples (k6's status, method, url, name, proto,
 * expected_response, error, error_code, group, plus the VU's and the request's tags).
 * A load test sends the same few tag sets over and over, so each VU reuses the objects
 * it built: the previous request's set is checked field by field first (a loop usually
 * repeats the same request), then a per-VU map keyed by the varying parts. Reused
 * objects also let the metric registry remember which sub-metrics a set feeds.
 */
import type { TransportResponse } from '../http/transport.ts';
import type { Tags } from '../metrics/registry.ts';
import type { Vu } from '../vu.ts';

const TAG_CACHE_LIMIT = 256;

export interface RequestTagInput {
  raw: TransportResponse;
  method: string;
  url: string;
  groupPath: string;
  userTags: Record<string, unknown> | undefined;
  errorCode: number;
  /** undefined when the response callback is null (then k6 emits no http_req_failed). */
  expected: boolean | undefined;
}

/** What the previous request of a VU was tagged from, copied (a script may mutate its params object). */
class PreviousRequest {
  constructor(
    readonly baseTags: Tags,
    readonly groupPath: string,
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly proto: string,
    readonly expected: boolean | undefined,
    readonly errorCode: number,
    readonly errorMessage: string | undefined,
    readonly userTagNames: string[],
    readonly userTagValues: unknown[],
    readonly tags: Tags,
  ) {}

  matches(vu: Vu, input: RequestTagInput): boolean {
    const { raw } = input;
    if (
      this.baseTags !== vu.tags ||
      this.url !== input.url ||
      this.status !== raw.status ||
      this.groupPath !== input.groupPath ||
      this.method !== input.method ||
      this.proto !== raw.proto ||
      this.expected !== input.expected ||
      this.errorCode !== input.errorCode ||
      this.errorMessage !== raw.error?.message
    ) {
      return false;
    }
    const user = input.userTags;
    let count = 0;
    if (user) {
      for (const name in user) {
        if (this.userTagNames[count] !== name || this.userTagValues[count] !== user[name]) return false;
        count++;
      }
    }
    return count === this.userTagNames.length;
  }
}

const previousByVu = new WeakMap<Vu, PreviousRequest>();

export function requestTags(vu: Vu, input: RequestTagInput): Tags {
  const previous = previousByVu.get(vu);
  if (previous?.matches(vu, input)) return previous.tags;
  const tags = cachedTags(vu, input);
  const names: string[] = [];
  const values: unknown[] = [];
  if (input.userTags) {
    for (const name in input.userTags) {
      names.push(name);
      values.push(input.userTags[name]);
    }
  }
  const { raw } = input;
  previousByVu.set(
    vu,
    new PreviousRequest(vu.tags, input.groupPath, input.method, input.url, raw.status, raw.proto, input.expected, input.errorCode, raw.error?.message, names, values, tags),
  );
  return tags;
}

function cachedTags(vu: Vu, input: RequestTagInput): Tags {
  const { raw } = input;
  let key = `${input.groupPath}\u0000${input.method}\u0000${input.url}\u0000${raw.status}\u0000${raw.proto}\u0000${input.expected}\u0000${input.errorCode}\u0000${raw.error?.message ?? ''}`;
  if (input.userTags) for (const name in input.userTags) key += `\u0000${name}\u0001${input.userTags[name]}`;
  const cache = vu.tagCache;
  const cached = cache.get(key);
  if (cached) return cached;
  const tags: Tags = { ...vu.tags, group: input.groupPath, method: input.method, url: input.url, name: input.url, status: String(raw.status) };
  if (raw.proto !== '') tags.proto = raw.proto;
  if (input.expected !== undefined) tags.expected_response = String(input.expected);
  if (raw.error) tags.error = raw.error.message;
  if (input.errorCode !== 0) tags.error_code = String(input.errorCode);
  if (input.userTags) {
    for (const name in input.userTags) tags[name] = String(input.userTags[name]);
    // k6 reports a named request's url tag as its name, keeping url cardinality low.
    if (input.userTags.name !== undefined) tags.url = tags.name;
  }
  if (cache.size >= TAG_CACHE_LIMIT) cache.clear();
  cache.set(key, tags);
  return tags;
}
