/**
 * POST /webhooks/shopify — the HTTPS transport: verify the HMAC, parse the headers, then the one
 * ingest core (webhook-ingest.ts), answering well inside Shopify's 5 s. No Shopify API call on
 * this path: everything needed is in the delivery and in DynamoDB.
 */
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
import type { ProcessedDeliveries } from '../core/webhooks/replay-guard.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import type { WebhookActivity } from '../core/webhooks/webhook-activity.js';
import type { WebhookDeliveryCounts } from '../core/webhooks/delivery-counts.js';
import { errorResponse, isExpectedError, jsonResponse } from './http-response.js';
import {
  countOutcome,
  createDeliveryApplier,
  type DeliveryOutcome,
  rejectionReason,
} from './webhook-ingest.js';

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

export const createWebhookHandler = (deps: WebhookHandlerDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  const now = deps.now ?? Date.now;
  const apply = createDeliveryApplier({ ...deps, logger, metrics, now });

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
    let outcome: DeliveryOutcome = 'failed';
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
      const result = await apply(authentication);
      outcome = result.outcome;
      return jsonResponse(200, result);
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
      countOutcome(metrics, outcome, reason);
      metrics.publishStoredMetrics();
    }
  }
};

let lazy: ReturnType<typeof createWebhookHandler> | undefined;

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2, context: Context) =>
  (lazy ??= createWebhookHandler(webhookDeps()))(event, context),
);
