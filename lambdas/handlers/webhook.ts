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
import { type DeliveryDedupe, type WebhookOutcome, ingest } from '../core/webhooks/ingest.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import { errorResponse, isExpectedError, jsonResponse } from './http-response.js';

export interface WebhookHandlerDeps {
  readonly integrations: IntegrationLookup;
  readonly secrets: WebhookSecrets;
  readonly dedupe: DeliveryDedupe & { registerLambdaContext?(context: Context | undefined): void };
  readonly topics: TopicRegistry;
  readonly logger?: typeof defaultLogger;
  readonly metrics?: typeof defaultMetrics;
  readonly maxBodyBytes?: number;
}

type Outcome = WebhookOutcome['outcome'] | 'rejected';

const metricName: Record<Outcome, string> = {
  written: 'WebhookWritten',
  stale: 'WebhookStale',
  ignored: 'WebhookIgnored',
  duplicate: 'WebhookDuplicate',
  rejected: 'WebhookRejected',
};

export const createWebhookHandler = (deps: WebhookHandlerDeps) => {
  const { topics } = deps;
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;

  return async (
    event: APIGatewayProxyEventV2,
    context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    deps.dedupe.registerLambdaContext?.(context);
    // Only ids and outcomes are logged: the body carries personal data, the headers a signature.
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const trace = {
      shop: headers['x-shopify-shop-domain'],
      topic: headers['x-shopify-topic'],
      webhookId: headers['x-shopify-webhook-id'],
    };
    let outcome: Outcome = 'rejected';
    try {
      const authentication = await authenticateDelivery(
        { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
        { integrations: deps.integrations, secrets: deps.secrets, maxBodyBytes: deps.maxBodyBytes },
      );
      if (authentication.kind === 'ignored') {
        outcome = 'ignored';
        logger.info('webhook ignored', { ...trace, outcome, reason: authentication.reason });
        return jsonResponse(200, { outcome, reason: authentication.reason });
      }
      const { integration } = authentication;
      const result = await ingest(authentication.delivery, integration, { topics, dedupe: deps.dedupe });
      outcome = result.outcome;
      logger.info(`webhook ${outcome}`, { ...trace, integrationId: integration.integrationId, ...result });
      return jsonResponse(200, result);
    } catch (error) {
      if (!isExpectedError(error)) {
        logger.error('webhook failed', { ...trace, outcome, error: { name: (error as Error)?.name } });
        return errorResponse(error);
      }
      if (error.code === 'DELIVERY_IN_PROGRESS') outcome = 'duplicate';
      logger.warn(`webhook ${outcome}`, { ...trace, outcome, code: error.code, reason: error.message });
      return errorResponse(error);
    } finally {
      metrics.addMetric(metricName[outcome], MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
  };
};

let lazy: ReturnType<typeof createWebhookHandler> | undefined;

export const handler = async (event: APIGatewayProxyEventV2, context: Context) =>
  (lazy ??= createWebhookHandler(webhookDeps(composition())))(event, context);
