/**
 * How many stores are in each state, for CloudWatch gauges. Counts only: metric dimensions must
 * not grow with the number of stores, so which stores they are is in the logs, the integration
 * records and the backend events.
 */
import type { Integration } from './integration.js';

export interface StoreCensus {
  readonly active: number;
  readonly needingAttention: number;
  readonly inactive: number;
  /** Active, and no successful sync (or, never synced, no connect) for longer than `staleAfterMs`. */
  readonly stale: number;
  /** Active, syncs keep healing changes, and no verified webhook for longer than `webhooksSilentAfterMs`. */
  readonly webhooksSilent: number;
  /** Active, and some mirrored resource lacks its access scopes (not synced until granted). */
  readonly missingScope: number;
  /** The same stores, per resource that lacks scopes (a store may count under several). */
  readonly missingScopeByResource: Readonly<Record<string, number>>;
}

export interface CensusThresholds {
  readonly now: number;
  readonly staleAfterMs: number;
  readonly webhooksSilentAfterMs: number;
}

export type CensusFields = Pick<
  Integration,
  'status' | 'createdAt' | 'lastSuccessfulSyncAt' | 'lastWebhookAt' | 'lastHealedAt' | 'missingScopes'
>;

/** No verified webhook from this store (since it was connected) for longer than `silentAfterMs`. */
export const webhooksSilent = (
  integration: Pick<Integration, 'lastWebhookAt' | 'createdAt'>,
  now: number,
  silentAfterMs: number,
): boolean => now - Date.parse(integration.lastWebhookAt ?? integration.createdAt) > silentAfterMs;

/**
 * The store's deliveries look stopped: a sync found changes no webhook delivered after the last
 * webhook arrived, and none has arrived for a long time. A store with no changes at all is quiet,
 * not broken, and is not counted.
 */
export const deliveriesLookStopped = (
  integration: CensusFields,
  now: number,
  silentAfterMs: number,
): boolean =>
  integration.lastHealedAt !== undefined &&
  integration.lastHealedAt > (integration.lastWebhookAt ?? '') &&
  webhooksSilent(integration, now, silentAfterMs);

export const isStale = (integration: CensusFields, now: number, staleAfterMs: number): boolean =>
  now - Date.parse(integration.lastSuccessfulSyncAt ?? integration.createdAt) > staleAfterMs;

export const takeStoreCensus = async (
  pages: AsyncIterable<readonly CensusFields[]>,
  thresholds: CensusThresholds,
): Promise<StoreCensus> => {
  const { now, staleAfterMs, webhooksSilentAfterMs } = thresholds;
  let active = 0;
  let needingAttention = 0;
  let inactive = 0;
  let stale = 0;
  let silent = 0;
  let missingScope = 0;
  const missingScopeByResource: Record<string, number> = {};
  for await (const page of pages) {
    for (const integration of page) {
      if (integration.status === 'NEEDS_ATTENTION') needingAttention += 1;
      else if (integration.status === 'INACTIVE') inactive += 1;
      else {
        active += 1;
        if (isStale(integration, now, staleAfterMs)) stale += 1;
        if (deliveriesLookStopped(integration, now, webhooksSilentAfterMs)) silent += 1;
        const lacking = Object.keys(integration.missingScopes ?? {});
        if (lacking.length > 0) missingScope += 1;
        for (const resource of lacking)
          missingScopeByResource[resource] = (missingScopeByResource[resource] ?? 0) + 1;
      }
    }
  }
  return {
    active,
    needingAttention,
    inactive,
    stale,
    webhooksSilent: silent,
    missingScope,
    missingScopeByResource,
  };
};
