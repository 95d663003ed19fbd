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

/** Notes a verified delivery from the store, at most once per resolution window. */
export const noteWebhookActivity = async (
  integration: Pick<Integration, 'integrationId' | 'lastWebhookAt'>,
  now: number,
  activity: WebhookActivity,
): Promise<boolean> => {
  const last = integration.lastWebhookAt ? Date.parse(integration.lastWebhookAt) : Number.NEGATIVE_INFINITY;
  if (now - last < WEBHOOK_ACTIVITY_RESOLUTION_MS) return false;
  await activity.recordWebhookAt(integration.integrationId, new Date(now).toISOString());
  return true;
};
