/**
 * SQS → webhook deliveries of the EventBridge transport (CDK context `webhookDelivery:
 * 'eventbridge'`): trust AWS's source, parse `detail.metadata`, then the same ingest core as
 * HTTPS (webhook-ingest.ts). The queue is fed by a rule on the Shopify partner event bus.
 *
 * Partial batch responses: a message that failed for a reason that may pass (DynamoDB, Shopify
 * unavailable while reading an oversized body) comes back after the visibility timeout, and goes to
 * the dead-letter queue (alarmed) after a few receives. A message that can never be applied (not
 * a Shopify webhook event, a body that does not fit its topic) is counted as rejected and dropped,
 * as HTTPS answers it 4xx: retrying it would only fill the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  errorFields,
  lambdaHandler,
  logger as defaultLogger,
  metrics as defaultMetrics,
} from '../adapters/observability.js';
import { withLogKeys } from '../core/log-scope.js';
import type { IntegrationLookup } from '../core/webhooks/authenticate.js';
import {
  parseEventBridgeDelivery,
  resolveEventBridgeDelivery,
} from '../core/webhooks/eventbridge-delivery.js';
import type { ProcessedDeliveries } from '../core/webhooks/replay-guard.js';
import type { TopicRegistry } from '../core/webhooks/topic-registry.js';
import type { WebhookActivity } from '../core/webhooks/webhook-activity.js';
import type { WebhookDeliveryCounts } from '../core/webhooks/delivery-counts.js';
import { isExpectedError } from './http-response.js';
import {
  countOutcome,
  createDeliveryApplier,
  type DeliveryOutcome,
  rejectionReason,
} from './webhook-ingest.js';
import { webhookEventsDeps } from './webhook-events-composition.js';

export interface WebhookEventsHandlerDeps {
  readonly integrations: IntegrationLookup;
  readonly processed: ProcessedDeliveries;
  readonly topics: TopicRegistry;
  readonly activity?: WebhookActivity;
  /** Counts processed deliveries per store and hour (the console's deliveries chart). */
  readonly deliveries?: WebhookDeliveryCounts;
  /** The deployment's partner event source name: events from any other source are refused. */
  readonly eventSource?: string;
  readonly logger?: typeof defaultLogger;
  readonly metrics?: typeof defaultMetrics;
  /** The clock (ms): stamps receipt, which bounds X-Shopify-Triggered-At. */
  readonly now?: () => number;
}

export const createWebhookEventsHandler = (deps: WebhookEventsHandlerDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  const now = deps.now ?? Date.now;
  const apply = createDeliveryApplier({ ...deps, logger, metrics, now });

  const processRecord = async (record: SQSRecord): Promise<void> => {
    let outcome: DeliveryOutcome = 'failed';
    let reason: string | undefined;
    // Only ids and outcomes are logged: the body carries personal data.
    let keys: Record<string, string> = { messageId: record.messageId };
    try {
      // The raw text: the Lambda runtime's own parse of the event left the body a string.
      const delivery = parseEventBridgeDelivery(record.body, {
        ...(deps.eventSource !== undefined && { expectedSource: deps.eventSource }),
        receivedAt: new Date(now()),
      });
      keys = {
        ...keys,
        shopDomain: delivery.shopDomain,
        topic: delivery.topic,
        webhookId: delivery.webhookId,
      };
      const authentication = await resolveEventBridgeDelivery(delivery, deps.integrations);
      outcome = (await withLogKeys(logger, keys, () => apply(authentication))).outcome;
    } catch (error) {
      if (!isExpectedError(error)) {
        logger.error('webhook failed', { outcome, ...keys, ...errorFields(error) });
        throw error;
      }
      outcome = 'rejected';
      reason = rejectionReason(error.code);
      // `detail`, not `message`: Powertools owns `message` and would drop the reason with a WARN.
      logger.warn(`webhook ${outcome}`, {
        outcome,
        code: error.code,
        reason,
        detail: error.message,
        ...keys,
      });
    } finally {
      countOutcome(metrics, outcome, reason);
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};

let lazy: ReturnType<typeof createWebhookEventsHandler> | undefined;

export const handler = lambdaHandler((event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  (lazy ??= createWebhookEventsHandler(webhookEventsDeps()))(event, context),
);
