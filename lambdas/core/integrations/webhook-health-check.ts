/**
 * The daily (and on-demand) webhook health check: every active store gets its subscriptions
 * listed and repaired, and the result is recorded on the integration as `webhookHealth`.
 */
import { announce, type BackendEvents } from '../events/backend-events.js';
import type { Logger } from '../logger.js';
import type { Integration, WebhookHealth } from './integration.js';
import { type OpenShopDeps, openShop } from './open-shop.js';
import type { IntegrationLifecycleRecords } from './ports.js';
import { ensureWebhookSubscriptions, safeMessage, type WebhookTopics } from './webhook-subscriptions.js';

export interface HealthCheckDeps extends OpenShopDeps {
  readonly records: IntegrationLifecycleRecords;
  readonly webhookUri: string;
  readonly webhookTopics: WebhookTopics;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** `Webhooks Unhealthy` for a store whose subscriptions could not be verified or repaired. */
  readonly events?: BackendEvents;
}

export const checkIntegrationWebhooks = async (
  integration: Integration,
  deps: HealthCheckDeps,
): Promise<WebhookHealth> => {
  const checkedAt = (deps.now?.() ?? new Date()).toISOString();
  let health: WebhookHealth;
  try {
    health = await ensureWebhookSubscriptions(
      await openShop(integration, deps),
      deps.webhookUri,
      checkedAt,
      deps.webhookTopics,
    );
  } catch (error) {
    health = { checkedAt, healthy: false, repaired: [], error: safeMessage(error) };
  }
  await deps.records.recordWebhookHealth(integration.integrationId, health);
  const fields = {
    integrationId: integration.integrationId,
    shopDomain: integration.shopDomain,
    repaired: health.repaired,
  };
  if (!health.healthy) {
    deps.logger.warn('Webhook subscriptions could not be verified', { ...fields, error: health.error });
    await announce(deps.events, deps.logger, {
      type: 'Webhooks Unhealthy',
      detail: {
        integrationId: integration.integrationId,
        organizationId: integration.organizationId,
        shopDomain: integration.shopDomain,
        reason: 'SUBSCRIPTIONS_UNVERIFIED',
        ...(integration.lastWebhookAt !== undefined && { lastWebhookAt: integration.lastWebhookAt }),
        ...(health.error !== undefined && { error: health.error }),
        at: checkedAt,
      },
    });
  }
  if (health.healthy && health.repaired.length > 0)
    deps.logger.info('Webhook subscriptions repaired', fields);
  return health;
};

export interface HealthCheckSummary {
  readonly checked: number;
  readonly repaired: readonly {
    readonly integrationId: string;
    readonly shopDomain: string;
    readonly actions: readonly string[];
  }[];
  readonly failed: readonly {
    readonly integrationId: string;
    readonly shopDomain: string;
    readonly error: string;
  }[];
}

/** Stores are checked a few at a time: each check is a handful of cheap Admin API calls. */
export const runWebhookHealthCheck = async (
  deps: HealthCheckDeps,
  { concurrency = 4 } = {},
): Promise<HealthCheckSummary> => {
  let checked = 0;
  const repaired: { integrationId: string; shopDomain: string; actions: string[] }[] = [];
  const failed: { integrationId: string; shopDomain: string; error: string }[] = [];
  for await (const page of deps.records.listActive()) {
    let next = 0;
    const worker = async () => {
      while (next < page.length) {
        const integration = page[next++]!;
        const health = await checkIntegrationWebhooks(integration, deps);
        checked += 1;
        const ids = { integrationId: integration.integrationId, shopDomain: integration.shopDomain };
        if (health.repaired.length > 0) repaired.push({ ...ids, actions: [...health.repaired] });
        if (!health.healthy) failed.push({ ...ids, error: health.error ?? 'unknown error' });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker));
  }
  deps.logger.info('Webhook health check finished', {
    checked,
    repaired: repaired.length,
    failed: failed.length,
  });
  return { checked, repaired, failed };
};
