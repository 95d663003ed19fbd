/**
 * The one ingest core of both transports (HTTPS and EventBridge): the topic registry, the payload
 * schemas, the shop check and the replay guard, whichever way a delivery came.
 *
 * Applies an authenticated delivery at most once per signed body, across every integration
 * (topics whose handlers are idempotent by the state they find are applied every time).
 * Shopify redelivers the same body on retries, and anyone who saw a body can post it again
 * under other headers; the replay guard (replay-guard.ts) makes every second delivery of a
 * body a no-op. Correctness of the mirror never depends on it (every write is conditional and
 * order-free); the tenancy boundary does.
 */
import type { Integration } from '../integrations/integration.js';
import { parseWith } from '../validation.js';
import type { WebhookDelivery } from './delivery.js';
import { oversizedStubId } from './oversized-payload.js';
import type { DeliveryReceipt, ProcessedDeliveries } from './replay-guard.js';
import { requireSignedShop } from './signed-shop.js';
import type { IngestResult, TopicDefinition, TopicRegistry } from './topic-registry.js';

export type WebhookOutcome = IngestResult;

export interface IngestDeps {
  readonly topics: TopicRegistry;
  readonly processed: ProcessedDeliveries;
}

const alreadyProcessed = { outcome: 'duplicate', reason: 'body-already-processed' } as const;

/**
 * Checks the body before anything is read or written on the integration's behalf, and returns
 * what applies it: over HTTPS the body is signed and the headers are not, so the topic's shape
 * and the body's own shop decide; an EventBridge body too large to carry is read from Shopify.
 */
const checkedHandler = (
  topic: TopicDefinition,
  delivery: WebhookDelivery,
  integration: Integration,
  receipt: DeliveryReceipt,
): (() => Promise<WebhookOutcome>) => {
  const body = delivery.payload();
  const oversizedId = topic.oversized && oversizedStubId(delivery, body);
  if (oversizedId) return () => topic.oversized!(delivery, integration, oversizedId, receipt);
  const payload = parseWith(topic.payload, body, `${delivery.topic} payload`);
  if (topic.signedShop) requireSignedShop(topic.signedShop(payload), integration);
  return () => topic.handle(delivery, integration, payload, receipt);
};

export const ingest = async (
  delivery: WebhookDelivery,
  integration: Integration,
  { topics, processed }: IngestDeps,
): Promise<WebhookOutcome> => {
  const topic = topics.definitionOf(delivery.topic);
  if (!topic) return { outcome: 'ignored', reason: 'unhandled-topic' };
  if (integration.status !== 'ACTIVE' && !topic.servesInactiveIntegrations) {
    return { outcome: 'ignored', reason: 'inactive-integration' };
  }
  const receipt = { digest: delivery.digest };
  const handle = checkedHandler(topic, delivery, integration, receipt);
  // Such a topic's one write records the receipt in the same round trip (and says 'duplicate').
  if (topic.recordsReceipt || topic.idempotent) return handle();
  if (await processed.has(receipt.digest)) return alreadyProcessed;
  const result = await handle();
  // Only now: had the handler failed, Shopify's retry of this body must still be processed.
  await processed.add(receipt.digest);
  return result;
};
