/**
 * What a run reports when it ends: its totals (the worker's metrics), the backend events (Sync
 * Completed / Sync Failed / Webhooks Unhealthy), the watermarks it leaves, and its log summary.
 */
import { scopeLists } from '../integrations/granted-scopes.js';
import { type Integration, type ResourceSyncState, watermarkOf } from '../integrations/integration.js';
import { webhooksSilent } from '../integrations/store-census.js';
import type { ResourceProgress, SyncProgress } from './progress.js';
import type { RunTrigger } from './sync-run.js';

const iso = (millis: number) => new Date(millis).toISOString();

/** What a finished run did, over all its resources, for the worker's metrics. */
export interface SyncTotals {
  readonly recordsSeen: number;
  readonly recordsWritten: number;
  /**
   * Written because newer than the mirror, for resources already mirrored (their first sync
   * writes everything and heals nothing): changes no webhook delivered in time.
   */
  readonly healedBySync: number;
  readonly shopifyCostUsed: number;
  readonly throttleWaits: number;
  readonly throttledResponses: number;
  /** The same counts per resource (customers, orders, products), by definition name. */
  readonly resources: Readonly<Record<string, ResourceTotals>>;
}

export interface ResourceTotals {
  readonly seen: number;
  readonly written: number;
  readonly healedBySync: number;
}

export const storeOf = (integration: Integration) => ({
  integrationId: integration.integrationId,
  organizationId: integration.organizationId,
  shopDomain: integration.shopDomain,
});

export const syncFailed = (
  integration: Integration,
  trigger: RunTrigger,
  runId: string,
  error: string,
  finishedAt: string,
) =>
  ({
    type: 'Sync Failed',
    detail: { ...storeOf(integration), runId, trigger, error, finishedAt },
  }) as const;

/**
 * A resource with a watermark was mirrored before this run, so what the run wrote was newer than
 * the mirror: a change no webhook delivered. A resource's first sync writes everything.
 */
export const totalsOf = (integration: Integration, progress: SyncProgress): SyncTotals => {
  const resources = Object.fromEntries(
    Object.entries(progress.resources).map(([name, resource]) => [
      name,
      {
        seen: resource.seen,
        written: resource.written,
        healedBySync: watermarkOf(integration, name) !== undefined ? resource.written : 0,
      },
    ]),
  );
  const sum = (field: keyof ResourceTotals) =>
    Object.values(resources).reduce((total, resource) => total + resource[field], 0);
  const { shopifyCostUsed, throttleWaits, throttledResponses } = progress.calls;
  return {
    recordsSeen: sum('seen'),
    recordsWritten: sum('written'),
    healedBySync: sum('healedBySync'),
    shopifyCostUsed,
    throttleWaits,
    throttledResponses,
    resources,
  };
};

/** Default silence before a store that keeps healing is reported: a quiet store sends nothing. */
export const DEFAULT_WEBHOOKS_SILENT_AFTER_MS = 6 * 3_600_000;

/**
 * Changes found by sync while no verified webhook arrived for hours: the endpoint is unreachable
 * or the subscriptions are gone. Reported on every such run (at most once per sync interval)
 * until a webhook arrives again.
 */
export const deliveriesStopped = (
  integration: Integration,
  healedBySync: number,
  deps: { readonly now: () => number; readonly webhooksSilentAfterMs?: number },
) => {
  if (healedBySync === 0) return [];
  const silentAfterMs = deps.webhooksSilentAfterMs ?? DEFAULT_WEBHOOKS_SILENT_AFTER_MS;
  if (!webhooksSilent(integration, deps.now(), silentAfterMs)) return [];
  return [
    {
      type: 'Webhooks Unhealthy',
      detail: {
        ...storeOf(integration),
        reason: 'DELIVERIES_STOPPED',
        ...(integration.lastWebhookAt && { lastWebhookAt: integration.lastWebhookAt }),
        healedBySync,
        at: iso(deps.now()),
      },
    } as const,
  ];
};

/**
 * Watermarks advance only for the resources this run completed; a refused resource keeps no
 * watermark, so once the scope is granted it is synced in full.
 */
export const resourceSyncState = (
  integration: Integration,
  progress: SyncProgress,
  startedAt: string,
): ResourceSyncState => {
  const syncWatermarks: Record<string, string> = { ...integration.syncWatermarks };
  const { resourceAttention } = runAttention(progress);
  for (const [name, resource] of Object.entries(progress.resources)) {
    if (resource.status === 'completed') syncWatermarks[name] = startedAt;
    if (resource.status === 'needs-attention') delete syncWatermarks[name];
  }
  return { syncWatermarks, resourceAttention };
};

/** The resources a run did not sync, with why, and (MISSING_SCOPE) the scopes each lacks. */
export const runAttention = (progress: SyncProgress) => {
  const resourceAttention: Record<string, string> = {};
  const missingScopes: Record<string, readonly string[]> = {};
  for (const [name, resource] of Object.entries(progress.resources)) {
    if (resource.status !== 'needs-attention') continue;
    resourceAttention[name] = resource.attentionReason ?? 'UNKNOWN';
    if (resource.missingScopes) missingScopes[name] = resource.missingScopes;
  }
  return { resourceAttention, missingScopes };
};

/** For `Sync Completed`: present only when some resource was not synced. */
export const attentionDetail = (
  progress: SyncProgress,
): { resourceAttention?: Record<string, string>; missingScopes?: Record<string, string[]> } => {
  const { resourceAttention, missingScopes } = runAttention(progress);
  if (Object.keys(resourceAttention).length === 0) return {};
  return {
    resourceAttention,
    ...(Object.keys(missingScopes).length > 0 && { missingScopes: scopeLists(missingScopes) }),
  };
};

/**
 * Log fields of a finished run: per resource `seen/written/stale/redacted/invalid`, and the cost.
 * A resource completed with nothing seen is only named under `unchanged`: most hourly runs of
 * most stores find nothing, and their log line is billed by the byte (bench F1).
 */
export const summaryOf = (progress: SyncProgress) => {
  const entries = Object.entries(progress.resources);
  const isUnchanged = (resource: ResourceProgress) => resource.status === 'completed' && resource.seen === 0;
  const unchanged = entries.filter(([, resource]) => isUnchanged(resource)).map(([name]) => name);
  return {
    resources: Object.fromEntries(
      entries
        .filter(([, resource]) => !isUnchanged(resource))
        .map(([name, { checkpoint: _checkpoint, ...counters }]) => [name, counters]),
    ),
    ...(unchanged.length > 0 && { unchanged }),
    ...progress.calls,
  };
};
