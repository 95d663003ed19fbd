import type { Integration } from '../integrations/integration.js';

/** Where the last verified delivery per store is kept (the integration item). */
export interface WebhookActivity {
  /** Sets `lastWebhookAt`, never moving it backwards. */
  recordWebhookAt(integrationId: string, at: string): Promise<void>;
}

/**
 * `lastWebhookAt` is kept to within this much: a write per delivery would double the webhook
 * path's DynamoDB cost, while "deliveries stopped" is judged in hours.
 */
export const WEBHOOK_ACTIVITY_RESOLUTION_MS = 5 * 60_000;

export interface WebhookActivityNoter {
  /** Notes a verified delivery from the store; true when it cost a write. */
  note(integration: Pick<Integration, 'integrationId' | 'lastWebhookAt'>, now: number): Promise<boolean>;
}

/**
 * Notes verified deliveries, at most one write per store per resolution window.
 *
 * The integration a delivery carries may be up to a cache TTL old (the webhook path caches its
 * lookup per shop), so its `lastWebhookAt` alone would not stop a write per delivery for as long
 * as the stale copy lives. What this container wrote last is remembered too, for at most
 * `maxIntegrations` stores (oldest first out): memory stays bounded however many stores it serves,
 * and a store it forgot costs one extra, harmless conditional write.
 */
export const createWebhookActivityNoter = (
  activity: WebhookActivity,
  { maxIntegrations = 1_000 }: { readonly maxIntegrations?: number } = {},
): WebhookActivityNoter => {
  const recorded = new Map<string, number>();
  return {
    async note(integration, now) {
      const stored = integration.lastWebhookAt
        ? Date.parse(integration.lastWebhookAt)
        : Number.NEGATIVE_INFINITY;
      const last = Math.max(stored, recorded.get(integration.integrationId) ?? Number.NEGATIVE_INFINITY);
      if (now - last < WEBHOOK_ACTIVITY_RESOLUTION_MS) return false;
      await activity.recordWebhookAt(integration.integrationId, new Date(now).toISOString());
      // Re-inserted: Map order is the age order the eviction relies on.
      recorded.delete(integration.integrationId);
      recorded.set(integration.integrationId, now);
      if (recorded.size > maxIntegrations) recorded.delete(recorded.keys().next().value!);
      return true;
    },
  };
};
