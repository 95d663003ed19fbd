/**
 * The daily (and on-demand) webhook health check: active stores get their subscriptions listed
 * and repaired, and the result is recorded on the integration as `webhookHealth`.
 *
 * With many stores one invocation cannot check them all, so stores are checked least recently
 * checked first (never checked before all), and the check stops when told to (the Lambda's
 * deadline): the stores it did not reach are the first ones the next day. Every store is
 * checked within ceil(stores / checks per invocation) days, at any scale.
 */
import { announce, type BackendEvents } from '../events/backend-events.js';
import type { Logger } from '../logger.js';
import type { Integration, WebhookHealth } from './integration.js';
import { type OpenShopDeps, openShop } from './open-shop.js';
import type { IntegrationLifecycleRecords } from './ports.js';
import {
  ensureWebhookSubscriptions,
  grantedTopics,
  safeMessage,
  subscriptionTarget,
  type WebhookAddresses,
  type WebhookTopics,
} from './webhook-subscriptions.js';

export interface HealthCheckDeps extends OpenShopDeps, WebhookAddresses {
  readonly records: IntegrationLifecycleRecords;
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
      subscriptionTarget(deps, integration.encryptedWebhookSecret !== undefined),
      checkedAt,
      // As the last scope check left the grant: topics Shopify would refuse are not asked for.
      grantedTopics(deps.webhookTopics, integration.missingScopes),
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
  /** Active stores left for the next run (deadline reached): the least recently checked first then. */
  readonly notReached: number;
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

export interface HealthCheckOptions {
  readonly concurrency?: number;
  /** True when no further store should be started (the invocation is running out of time). */
  readonly shouldStop?: () => boolean;
}

/** Never-checked stores sort first ('' < any timestamp), then by the time of their last check. */
const lastCheckedAt = (integration: Integration): string => integration.webhookHealth?.checkedAt ?? '';

/** Stores are checked a few at a time: each check is a handful of cheap Admin API calls. */
export const runWebhookHealthCheck = async (
  deps: HealthCheckDeps,
  { concurrency = 4, shouldStop = () => false }: HealthCheckOptions = {},
): Promise<HealthCheckSummary> => {
  const due: Integration[] = [];
  for await (const page of deps.records.listActive()) due.push(...page);
  due.sort((a, b) => lastCheckedAt(a).localeCompare(lastCheckedAt(b)));

  let checked = 0;
  let next = 0;
  const repaired: { integrationId: string; shopDomain: string; actions: string[] }[] = [];
  const failed: { integrationId: string; shopDomain: string; error: string }[] = [];
  const worker = async () => {
    while (next < due.length && !shouldStop()) {
      const integration = due[next++]!;
      const health = await checkIntegrationWebhooks(integration, deps);
      checked += 1;
      const ids = { integrationId: integration.integrationId, shopDomain: integration.shopDomain };
      if (health.repaired.length > 0) repaired.push({ ...ids, actions: [...health.repaired] });
      if (!health.healthy) failed.push({ ...ids, error: health.error ?? 'unknown error' });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  const notReached = due.length - checked;
  deps.logger.info('Webhook health check finished', {
    checked,
    notReached,
    repaired: repaired.length,
    failed: failed.length,
  });
  return { checked, notReached, repaired, failed };
};
