/**
 * Which namespace label turns sidecar injection on. Revisioned installs (the AKS add-on's
 * `asm-1-27`, `istioctl install --revision`) only inject with `istio.io/rev=<rev>`; a
 * default install (or a `default` revision tag) injects with `istio-injection=enabled`,
 * and when both labels are set `istio-injection` wins, so a rev label goes with removing it.
 */
import { UserError } from '../../errors/user-error.ts';

export type InjectionChoice = { kind: 'auto' } | { kind: 'label' } | { kind: 'rev'; rev: string };

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';

export function parseInjection(text: string | undefined): InjectionChoice {
  if (text === undefined || text === 'auto') return { kind: 'auto' };
  if (text === 'label') return { kind: 'label' };
  if (text.startsWith('rev:') && text.length > 4) return { kind: 'rev', rev: text.slice(4) };
  throw new UserError({ code: 'USAGE', message: `--injection "${text}" is not auto, label or rev:<revision>`, fix: 'e.g. --injection rev:asm-1-27 for the AKS add-on, --injection label for istio-injection=enabled' });
}

export interface InjectionDecision {
  /** Labels to set; null removes the label. */
  labels: Record<string, string | null>;
  /** One line for progress output and run.json. */
  reason: string;
}

/**
 * `revisions` are the injector revisions the cluster has ('default' for an unrevisioned
 * injector or a `default` tag), undefined when they could not be listed.
 */
export function decideInjection(options: { choice: InjectionChoice; revisions?: readonly string[]; namespaceLabels?: Record<string, string> }): InjectionDecision {
  const { choice, revisions } = options;
  const current = options.namespaceLabels ?? {};
  const byLabel: InjectionDecision = { labels: { [INJECTION_LABEL]: 'enabled' }, reason: `${INJECTION_LABEL}=enabled` };
  const byRev = (rev: string, why: string): InjectionDecision => ({ labels: { [REVISION_LABEL]: rev, [INJECTION_LABEL]: null }, reason: `${REVISION_LABEL}=${rev} (${why})` });

  if (revisions !== undefined && revisions.length === 0) {
    throw new UserError({
      code: 'INJECTION_UNAVAILABLE',
      message: 'the cluster has no Istio sidecar injector (no MutatingWebhookConfiguration from istiod)',
      fix: 'install Istio with its sidecar injector (istioctl install, or az aks mesh enable for the AKS add-on)',
    });
  }
  if (choice.kind === 'label') {
    if (revisions && !revisions.includes('default')) {
      throw new UserError({
        code: 'INJECTION_UNAVAILABLE',
        message: `istio-injection=enabled injects nothing here: the injectors are revisioned (${revisions.join(', ')})`,
        fix: `use --injection rev:${revisions[0]}`,
      });
    }
    return { ...byLabel, reason: `${byLabel.reason} (--injection label)` };
  }
  if (choice.kind === 'rev') {
    if (revisions && !revisions.includes(choice.rev)) {
      throw new UserError({ code: 'INJECTION_UNAVAILABLE', message: `no sidecar injector has revision "${choice.rev}"`, fix: `use one of: ${revisions.map((r) => (r === 'default' ? 'label' : `rev:${r}`)).join(', ')}` });
    }
    return byRev(choice.rev, '--injection');
  }
  if (revisions === undefined) {
    // Cannot list the injectors: trust a label the namespace already has.
    if (current[REVISION_LABEL]) return { labels: {}, reason: `${REVISION_LABEL}=${current[REVISION_LABEL]} (already on the namespace; injectors not listable)` };
    if (current[INJECTION_LABEL] === 'enabled') return { labels: {}, reason: `${INJECTION_LABEL}=enabled (already on the namespace; injectors not listable)` };
    return { ...byLabel, reason: `${byLabel.reason} (injectors not listable; pass --injection rev:<rev> for a revisioned install)` };
  }
  if (revisions.includes('default')) return { ...byLabel, reason: `${byLabel.reason} (default injector)` };
  if (current[REVISION_LABEL] && revisions.includes(current[REVISION_LABEL])) return { labels: { [INJECTION_LABEL]: null }, reason: `${REVISION_LABEL}=${current[REVISION_LABEL]} (already on the namespace)` };
  if (revisions.length === 1) return byRev(revisions[0], 'the only injector revision');
  throw new UserError({
    code: 'INJECTION_AMBIGUOUS',
    message: `several injector revisions and no default: ${revisions.join(', ')}`,
    fix: `choose one with --injection rev:<revision>, e.g. --injection rev:${revisions.at(-1)}`,
  });
}

/** Injector revisions from MutatingWebhookConfigurations: `istio.io/tag`, else `istio.io/rev`, else 'default'. */
export function injectorRevisions(webhooks: readonly { metadata?: { name?: string; labels?: Record<string, string> } }[]): string[] {
  const revisions = new Set<string>();
  for (const webhook of webhooks) {
    const name = webhook.metadata?.name ?? '';
    const labels = webhook.metadata?.labels ?? {};
    const isInjector = labels.app === 'sidecar-injector' || name.startsWith('istio-sidecar-injector') || name.startsWith('istio-revision-tag-');
    if (!isInjector) continue;
    revisions.add(labels['istio.io/tag'] ?? labels[REVISION_LABEL] ?? 'default');
  }
  return [...revisions].sort();
}
