/**
 * POST /webhooks/shopify — verify, ingest exactly once, answer well inside Shopify's 5 s.
 * No Shopify API call on this path: everything needed is in the delivery and in DynamoDB.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger as defaultLogger, metrics as defaultMetrics } from '../adapters/observability.js';
import { webhookDeps, composition } from './composition-root.js';
import {
  type IntegrationLookup,
  type WebhookSecrets,
  authenticateDelivery,
} from '../core/webhooks/authenticate.js';
import { type WebhookOutcome, ingest } from '../core/webhooks/ingest.js';
import type { ProcessedDeliveries } from '../core/webhooks/replay-guard.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
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
  /** The clock that stamps receipt (tests pin it; X-Shopify-Triggered-At is bounded by it). */
  readonly now?: () => Date;
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

  return async (
    event: APIGatewayProxyEventV2,
    _context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    // Only ids and outcomes are logged: the body carries personal data, the headers a signature.
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const trace = {
      shop: headers['x-shopify-shop-domain'],
      topic: headers['x-shopify-topic'],
      webhookId: headers['x-shopify-webhook-id'],
    };
    let outcome: Outcome = 'failed';
    let reason: string | undefined;
    try {
      const authentication = await authenticateDelivery(
        { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
        {
          integrations: deps.integrations,
          secrets: deps.secrets,
          maxBodyBytes: deps.maxBodyBytes,
          now: deps.now,
        },
      );
      if (authentication.kind === 'ignored') {
        outcome = 'ignored';
        logger.info('webhook ignored', { ...trace, outcome, reason: authentication.reason });
        return jsonResponse(200, { outcome, reason: authentication.reason });
      }
      const { integration } = authentication;
      const { delivery } = authentication;
      const result = await ingest(delivery, integration, { topics, processed: deps.processed });
      // Uninstall and privacy topics change the integration itself: what was cached of it is stale.
      if (!topics.definitionOf(delivery.topic)?.recordsReceipt)
        deps.integrations.forget?.(delivery.shopDomain);
      outcome = result.outcome;
      logger.info(`webhook ${outcome}`, { ...trace, integrationId: integration.integrationId, ...result });
      return jsonResponse(200, result);
    } catch (error) {
      if (!isExpectedError(error)) {
        logger.error('webhook failed', { ...trace, outcome, error: { name: (error as Error)?.name } });
        return errorResponse(error);
      }
      outcome = 'rejected';
      reason = rejectionReason(error.code);
      logger.warn(`webhook ${outcome}`, {
        ...trace,
        outcome,
        code: error.code,
        reason,
        message: error.message,
      });
      return errorResponse(error);
    } finally {
      if (reason === undefined) metrics.addMetric(metricName[outcome], MetricUnit.Count, 1);
      else {
        const rejected = metrics.singleMetric();
        rejected.addDimension('reason', reason);
        rejected.addMetric(metricName.rejected, MetricUnit.Count, 1);
      }
      metrics.publishStoredMetrics();
    }
  };
};

let lazy: ReturnType<typeof createWebhookHandler> | undefined;

export const handler = async (event: APIGatewayProxyEventV2, context: Context) =>
  (lazy ??= createWebhookHandler(webhookDeps(composition())))(event, context);
