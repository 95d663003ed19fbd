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
import { webhookDeps, composition } from './composition-root.js';
import {
  type IntegrationLookup,
  type WebhookSecrets,
  authenticateDelivery,
} from '../core/webhooks/authenticate.js';
import { type DeliveryDedupe, type WebhookOutcome, ingest } from '../core/webhooks/ingest.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import { noteWebhookActivity, type WebhookActivity } from '../core/webhooks/webhook-activity.js';
import { errorResponse, isExpectedError, jsonResponse } from './http-response.js';

export interface WebhookHandlerDeps {
  readonly integrations: IntegrationLookup;
  readonly secrets: WebhookSecrets;
  readonly dedupe: DeliveryDedupe & { registerLambdaContext?(context: Context | undefined): void };
  readonly topics: TopicRegistry;
  readonly logger?: typeof defaultLogger;
  readonly metrics?: typeof defaultMetrics;
  readonly maxBodyBytes?: number;
  /** Records `lastWebhookAt` on the integration (webhook delivery health). */
  readonly activity?: WebhookActivity;
  readonly now?: () => number;
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
    let outcome: Outcome = 'rejected';
    try {
      const authentication = await authenticateDelivery(
        { headers: event.headers ?? {}, body: event.body, isBase64Encoded: event.isBase64Encoded },
        { integrations: deps.integrations, secrets: deps.secrets, maxBodyBytes: deps.maxBodyBytes },
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
        const result = await ingest(authentication.delivery, integration, { topics, dedupe: deps.dedupe });
        outcome = result.outcome;
        logger.info(`webhook ${outcome}`, { ...result });
        await recordActivity(integration);
        return jsonResponse(200, result);
      });
    } catch (error) {
      if (!isExpectedError(error)) {
        logger.error('webhook failed', { outcome, ...errorFields(error) });
        return errorResponse(error);
      }
      if (error.code === 'DELIVERY_IN_PROGRESS') outcome = 'duplicate';
      logger.warn(`webhook ${outcome}`, { outcome, code: error.code, reason: error.message });
      return errorResponse(error);
    } finally {
      metrics.addMetric(metricName[outcome], MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
  }

  /** A verified delivery proves the store's subscriptions reach us; never fails the delivery. */
  async function recordActivity(integration: Parameters<typeof noteWebhookActivity>[0]): Promise<void> {
    if (!deps.activity) return;
    try {
      await noteWebhookActivity(integration, (deps.now ?? Date.now)(), deps.activity);
    } catch (error) {
      logger.warn('lastWebhookAt not recorded', errorFields(error));
    }
  }
};

let lazy: ReturnType<typeof createWebhookHandler> | undefined;

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2, context: Context) =>
  (lazy ??= createWebhookHandler(webhookDeps(composition())))(event, context),
);
