/**
 * A virtual user: its own instance of the script (init code runs once per VU, as in k6,
 * so module-level state is per VU), its own keep-alive connections, and the per-VU state
 * k6 modules read: `__VU`, `__ITER`, the current group, tags, the response callback.
 */
import https from 'node:https';
import type { GroupNode } from './group-tree.ts';
import { Http1Pool } from './http/http1-pool.ts';
import type { VuConnections } from './http/transport.ts';
import type { Tags } from './metrics/registry.ts';
import type { ScenarioConfig } from './options.ts';
import type { RunState } from './run-state.ts';

/** What a scenario shares with its VUs (k6/execution's `scenario` object). */
export interface ScenarioState {
  config: ScenarioConfig;
  /** performance.now() when the scenario started. */
  startedAt: number;
  iterationsStarted: number;
  progress(): number;
}

/** Bounds the check tag sets kept per group, should a script make up check names as it goes. */
const CHECK_TAGS_LIMIT = 256;

/**
 * A VU's pools, the HTTPS agent made on first use: an Agent costs far more to build than
 * the raw-socket pool, and VUs an open-model scenario adds under load mostly speak plain HTTP.
 */
class LazyConnections implements VuConnections {
  readonly http1 = new Http1Pool();
  private agent?: https.Agent;

  get https(): https.Agent {
    this.agent ??= new https.Agent({ keepAlive: true });
    return this.agent;
  }

  close(): void {
    this.http1.close();
    this.agent?.destroy();
  }
}

export type ResponseCallback = ((response: { status: number }) => boolean) | null;

export class Vu {
  /** `__ITER`: iterations this VU started, 0-based for the running one. */
  iter = -1;
  group: GroupNode;
  /** Tags on every sample this VU emits, but group (added per sample). */
  tags: Tags;
  /** Request tag sets built from `tags`, reused across requests (see modules/http.ts). */
  readonly tagCache = new Map<string, Tags>();
  /** Tags set by the script through exec.vu.tags. */
  readonly scriptTags: Tags = {};
  responseCallback: ResponseCallback = null;
  /** Aborted at a hard stop: pending requests and sleeps of this VU reject. */
  interrupt = new AbortController();
  bytesSent = 0;
  bytesReceived = 0;
  exports: Record<string, unknown> = {};
  setupData: unknown;
  private connectionsCache?: LazyConnections;
  private iterationTagsCache?: Tags;
  private readonly checkTagsCache = new Map<GroupNode, Map<string, Tags>>();

  constructor(
    readonly id: number,
    readonly run: RunState,
    readonly scenario: ScenarioState | undefined,
  ) {
    this.group = run.rootGroup;
    this.tags = this.baseTags();
  }

  /** Lazily made: VUs that never send a request cost no pool. */
  get connections(): VuConnections {
    this.connectionsCache ??= new LazyConnections();
    return this.connectionsCache;
  }

  /** The scenario's `env` on top of the run's, like k6 does for a scenario's VUs. */
  get env(): Record<string, string> {
    return this.scenario ? { ...this.run.env, ...this.scenario.config.env } : { ...this.run.env };
  }

  refreshTags(): void {
    this.tags = this.baseTags();
    this.tagCache.clear();
    this.iterationTagsCache = undefined;
    this.checkTagsCache.clear();
  }

  /** Sample tags with the current group, plus extra ones (request or metric tags). */
  sampleTags(extra?: Record<string, unknown>): Tags {
    const tags: Tags = { ...this.tags, group: this.group.path };
    if (extra) for (const key in extra) tags[key] = String(extra[key]);
    return tags;
  }

  /**
   * A check's sample tags. Without extra tags the set depends only on the group and the
   * check's name, so it is built once and reused (samples never keep or change tag objects).
   */
  checkTags(name: string, extra?: Record<string, unknown>): Tags {
    if (extra) {
      const tags = this.sampleTags(extra);
      tags.check = name;
      return tags;
    }
    let byName = this.checkTagsCache.get(this.group);
    if (!byName) {
      byName = new Map();
      this.checkTagsCache.set(this.group, byName);
    }
    let tags = byName.get(name);
    if (!tags) {
      if (byName.size >= CHECK_TAGS_LIMIT) byName.clear();
      tags = this.sampleTags();
      tags.check = name;
      byName.set(name, tags);
    }
    return tags;
  }

  /** The tags of the per-iteration samples (iterations, iteration_duration, data_*): group is the root. */
  get iterationTags(): Tags {
    this.iterationTagsCache ??= { ...this.tags, group: '' };
    return this.iterationTagsCache;
  }

  close(): void {
    this.connectionsCache?.close();
  }

  private baseTags(): Tags {
    const tags: Tags = { ...this.run.runTags };
    if (this.scenario) {
      Object.assign(tags, this.scenario.config.tags);
      tags.scenario = this.scenario.config.name;
    }
    return Object.assign(tags, this.scriptTags);
  }
}
