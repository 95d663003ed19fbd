/**
 * What both webhook transports do once a delivery is authenticated (HTTPS: webhook.ts, by HMAC;
 * EventBridge: webhook-events.ts, by AWS): the one ingest core, and the same metrics, logs and
 * delivery-health record either way, so a dashboard or alarm reads the same whichever is deployed.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  errorFields,
  type logger as defaultLogger,
  type metrics as defaultMetrics,
} from '../adapters/observability.js';
import { withLogKeys } from '../core/log-scope.js';
import type { Integration } from '../core/integrations/integration.js';
import type { Authentication, IntegrationLookup } from '../core/webhooks/authenticate.js';
import { type WebhookOutcome, ingest } from '../core/webhooks/ingest.js';
import type { ProcessedDeliveries } from '../core/webhooks/replay-guard.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import { createWebhookActivityNoter, type WebhookActivity } from '../core/webhooks/webhook-activity.js';
import { createDeliveryCounter, type WebhookDeliveryCounts } from '../core/webhooks/delivery-counts.js';

export type DeliveryOutcome = WebhookOutcome['outcome'] | 'rejected' | 'failed';

export const outcomeMetric: Record<DeliveryOutcome, string> = {
  written: 'WebhookWritten',
  stale: 'WebhookStale',
  ignored: 'WebhookIgnored',
  duplicate: 'WebhookDuplicate',
  rejected: 'WebhookRejected',
  failed: 'WebhookFailed',
};

/**
 * Why a delivery was refused: the `reason` dimension of WebhookRejected. A small fixed set (one
 * per error code), never a shop or anything else from the request, so the metric's cardinality
 * cannot be driven by whoever sends requests.
 */
const rejectionReasons: Readonly<Record<string, string>> = {
  INVALID_SIGNATURE: 'invalid-signature',
  SHOP_MISMATCH: 'shop-mismatch',
  VALIDATION_FAILED: 'invalid-delivery',
  PAYLOAD_TOO_LARGE: 'too-large',
};
export const rejectionReason = (code: string): string => rejectionReasons[code] ?? 'other';

/** Counts one delivery's outcome (and a rejection's reason, as its own dimensioned metric). */
export const countOutcome = (
  metrics: typeof defaultMetrics,
  outcome: DeliveryOutcome,
  reason?: string,
): void => {
  // Also undimensioned, for the dashboard and the alarm that watch all rejections.
  metrics.addMetric(outcomeMetric[outcome], MetricUnit.Count, 1);
  if (reason !== undefined) {
    const rejected = metrics.singleMetric();
    rejected.addDimension('reason', reason);
    rejected.addMetric(outcomeMetric.rejected, MetricUnit.Count, 1);
  }
};

export interface DeliveryApplierDeps {
  readonly integrations: IntegrationLookup;
  readonly processed: ProcessedDeliveries;
  readonly topics: TopicRegistry;
  readonly logger: typeof defaultLogger;
  readonly metrics: typeof defaultMetrics;
  /** Records `lastWebhookAt` on the integration (webhook delivery health). */
  readonly activity?: WebhookActivity;
  /** Counts processed deliveries per store and hour (the console's deliveries chart). */
  readonly deliveries?: WebhookDeliveryCounts;
  readonly now: () => number;
}

export type AppliedDelivery = WebhookOutcome | { readonly outcome: 'ignored'; readonly reason: string };

/** Applies an authenticated delivery through the ingest core; throws what the core throws. */
export const createDeliveryApplier = (deps: DeliveryApplierDeps) => {
  const { logger, metrics, topics } = deps;
  const activity = deps.activity && createWebhookActivityNoter(deps.activity);
  const deliveries =
    deps.deliveries &&
    createDeliveryCounter(deps.deliveries, {
      onError: (error) => logger.warn('webhook deliveries not counted', errorFields(error)),
    });

  /**
   * Deliveries whose body was processed: a replay under another store's header must not add to
   * that store's count. Batched per container (usually no write); never fails a delivery.
   */
  const countDelivery = async (integrationId: string): Promise<void> => {
    await deliveries?.count(integrationId, deps.now());
  };

  /** A delivery proves the store's subscriptions reach us; never fails the delivery. */
  const recordActivity = async (integration: Integration): Promise<void> => {
    if (!activity) return;
    try {
      await activity.note(integration, deps.now());
    } catch (error) {
      logger.warn('lastWebhookAt not recorded', errorFields(error));
    }
  };

  return async (authentication: Authentication): Promise<AppliedDelivery> => {
    if (authentication.kind === 'ignored') {
      logger.info('webhook ignored', { outcome: 'ignored', reason: authentication.reason });
      return { outcome: 'ignored', reason: authentication.reason };
    }
    const { integration, delivery } = authentication;
    // From Shopify and matched to a store: the delivery-volume signal of the dashboard.
    metrics.addMetric('WebhooksVerified', MetricUnit.Count, 1);
    return withLogKeys(logger, { integrationId: integration.integrationId }, async () => {
      const result = await ingest(delivery, integration, { topics, processed: deps.processed });
      // Uninstall and privacy topics change the integration itself: what was cached of it is stale.
      if (!topics.definitionOf(delivery.topic)?.recordsReceipt)
        deps.integrations.forget?.(delivery.shopDomain);
      logger.info(`webhook ${result.outcome}`, { ...result });
      // Only a delivery this store's body was processed for proves its subscriptions: a replay
      // (duplicate) under its header proves nothing and must not write on its integration.
      if (result.outcome === 'written' || result.outcome === 'stale')
        await Promise.all([recordActivity(integration), countDelivery(integration.integrationId)]);
      return result;
    });
  };
};
