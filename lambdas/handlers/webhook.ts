/**
 * POST /webhooks/shopify — verify, ingest exactly once, answer well inside Shopify's 5 s.
 * No Shopify API call on this path: everything needed is in the delivery and in DynamoDB.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  errorFields,
  lambdaHandler,
  logger as defaultLogger,
  metrics as defaultMetrics,
} from '../adapters/observability.js';
import { withLogKeys } from '../core/log-scope.js';
import { webhookDeps } from './webhook-composition.js';
import {
  type IntegrationLookup,
  type WebhookSecrets,
  authenticateDelivery,
} from '../core/webhooks/authenticate.js';
import { type WebhookOutcome, ingest } from '../core/webhooks/ingest.js';
import type { ProcessedDeliveries } from '../core/webhooks/replay-guard.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import type { Integration } from '../core/integrations/integration.js';
import { createWebhookActivityNoter, type WebhookActivity } from '../core/webhooks/webhook-activity.js';
import { createDeliveryCounter, type WebhookDeliveryCounts } from '../core/webhooks/delivery-counts.js';
import { errorResponse, isExpectedError, jsonResponse } from './http-response.js';

export interface WebhookHandlerDeps {
  readonly integrations: IntegrationLookup;
  readonly secrets: WebhookSecrets;
  /** Digests of processed bodies, for topics whose handler does not record its own receipt. */
  readonly processed: ProcessedDeliveries;
  readonly topics: TopicRegistry;
  readonly logger?: typeof defaultLogger;
  readonly metrics?: typeof defaultMetrics;
  readonly maxBodyBytes?: number;
  /** Records `lastWebhookAt` on the integration (webhook delivery health). */
  readonly activity?: WebhookActivity;
  /** Counts verified deliveries per store and hour (the console's deliveries chart). */
  readonly deliveries?: WebhookDeliveryCounts;
  /** The clock (ms): stamps receipt, which bounds X-Shopify-Triggered-At; tests pin it. */
  readonly now?: () => number;
}

type Outcome = WebhookOutcome['outcome'] | 'rejected' | 'failed';

const metricName: Record<Outcome, string> = {
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
const rejectionReason = (code: string): string => rejectionReasons[code] ?? 'other';

export const createWebhookHandler = (deps: WebhookHandlerDeps) => {
  const { topics } = deps;
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  const now = deps.now ?? Date.now;
  const activity = deps.activity && createWebhookActivityNoter(deps.activity);
  const deliveries =
    deps.deliveries &&
    createDeliveryCounter(deps.deliveries, {
      onError: (error) => logger.warn('webhook deliveries not counted', errorFields(error)),
    });

  return async (
    event: APIGatewayProxyEventV2,
    _context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    // Only ids and outcomes are logged: the body carries personal data, the headers a signature.
    // The shop domain is the delivery's unsigned claim until the signature is verified.
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const keys = {
      shopDomain: headers['x-shopify-shop-domain'],
      topic: headers['x-shopify-topic'],
      webhookId: headers['x-shopify-webhook-id'],
    };
    return withLogKeys(logger, keys, () => handle(event));
  };

  async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    let outcome: Outcome = 'failed';
    let reason: string | undefined;
    try {
      const authentication = await authenticateDelivery(
        { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
        {
          integrations: deps.integrations,
          secrets: deps.secrets,
          maxBodyBytes: deps.maxBodyBytes,
          now: () => new Date(now()),
        },
      );
      if (authentication.kind === 'ignored') {
        outcome = 'ignored';
        logger.info('webhook ignored', { outcome, reason: authentication.reason });
        return jsonResponse(200, { outcome, reason: authentication.reason });
      }
      const { integration } = authentication;
      // Signed by Shopify and matched to a store: the delivery-volume signal of the dashboard.
      metrics.addMetric('WebhooksVerified', MetricUnit.Count, 1);
      return await withLogKeys(logger, { integrationId: integration.integrationId }, async () => {
        const { delivery } = authentication;
        const result = await ingest(delivery, integration, { topics, processed: deps.processed });
        // Uninstall and privacy topics change the integration itself: what was cached of it is stale.
        if (!topics.definitionOf(delivery.topic)?.recordsReceipt)
          deps.integrations.forget?.(delivery.shopDomain);
        outcome = result.outcome;
        logger.info(`webhook ${outcome}`, { ...result });
        // Only a delivery this store's body was processed for proves its subscriptions: a replay
        // (duplicate) under its header proves nothing and must not write on its integration.
        if (result.outcome === 'written' || result.outcome === 'stale')
          await Promise.all([recordActivity(integration), countDelivery(integration.integrationId)]);
        return jsonResponse(200, result);
      });
    } catch (error) {
      if (!isExpectedError(error)) {
        logger.error('webhook failed', { outcome, ...errorFields(error) });
        return errorResponse(error);
      }
      outcome = 'rejected';
      reason = rejectionReason(error.code);
      // `detail`, not `message`: Powertools owns `message` and would drop the reason with a WARN.
      logger.warn(`webhook ${outcome}`, { outcome, code: error.code, reason, detail: error.message });
      return errorResponse(error);
    } finally {
      // Also undimensioned, for the dashboard and the alarm that watch all rejections.
      metrics.addMetric(metricName[outcome], MetricUnit.Count, 1);
      if (reason !== undefined) {
        const rejected = metrics.singleMetric();
        rejected.addDimension('reason', reason);
        rejected.addMetric(metricName.rejected, MetricUnit.Count, 1);
      }
      metrics.publishStoredMetrics();
    }
  }

  /**
   * Deliveries whose body was processed: a replay under another store's header must not add to
   * that store's count. Batched per container (usually no write); never fails a delivery.
   */
  async function countDelivery(integrationId: string): Promise<void> {
    await deliveries?.count(integrationId, now());
  }

  /** A verified delivery proves the store's subscriptions reach us; never fails the delivery. */
  async function recordActivity(integration: Integration): Promise<void> {
    if (!activity) return;
    try {
      await activity.note(integration, now());
    } catch (error) {
      logger.warn('lastWebhookAt not recorded', errorFields(error));
    }
  }
};

let lazy: ReturnType<typeof createWebhookHandler> | undefined;

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2, context: Context) =>
  (lazy ??= createWebhookHandler(webhookDeps()))(event, context),
);
