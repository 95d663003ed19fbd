/**
 * Applies an authenticated delivery at most once per signed body, across every integration
 * (topics whose handlers are idempotent by the state they find are applied every time).
 * Shopify redelivers the same body on retries, and anyone who saw a body can post it again
 * under other headers; the replay guard (replay-guard.ts) makes every second delivery of a
 * body a no-op. Correctness of the mirror never depends on it (every write is conditional and
 * order-free); the tenancy boundary does.
 */
import type { Integration } from '../integrations/integration.js';
import { parseWith } from '../validation.js';
import { parseShopifyJson } from './shopify-json.js';
import { bodyText, type WebhookDelivery } from './delivery.js';
import type { ProcessedDeliveries } from './replay-guard.js';
import { requireSignedShop } from './signed-shop.js';
import type { IngestResult, TopicRegistry } from './topic-registry.js';

export type WebhookOutcome = IngestResult;

export interface IngestDeps {
  readonly topics: TopicRegistry;
  readonly processed: ProcessedDeliveries;
}

const alreadyProcessed = { outcome: 'duplicate', reason: 'body-already-processed' } as const;

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
  // The body is signed, the headers are not: the topic's shape and the body's own shop are
  // checked before anything is read or written on the integration's behalf.
  const payload = parseWith(topic.payload, parseShopifyJson(bodyText(delivery)), `${delivery.topic} payload`);
  if (topic.signedShop) requireSignedShop(topic.signedShop(payload), integration);

  const receipt = { digest: delivery.digest };
  // Such a topic's one write records the receipt in the same round trip (and says 'duplicate').
  if (topic.recordsReceipt || topic.idempotent) return topic.handle(delivery, integration, payload, receipt);
  if (await processed.has(receipt.digest)) return alreadyProcessed;
  const result = await topic.handle(delivery, integration, payload, receipt);
  // Only now: had the handler failed, Shopify's retry of this body must still be processed.
  await processed.add(receipt.digest);
  return result;
};
