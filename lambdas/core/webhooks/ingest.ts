/**
 * Applies an authenticated delivery exactly once per webhook id. Shopify redelivers the same
 * webhook id on retries; the dedupe port makes a redelivery return the first answer without a
 * second write. Correctness never depends on it (every write is conditional and order-free),
 * it saves work and keeps the outcome counts honest.
 */
import { DomainError } from '../errors.js';
import type { Integration } from '../integrations/integration.js';
import { parseShopifyJson, parseWith } from '../../shopify/webhook-payloads.js';
import { bodyText, type WebhookDelivery } from './delivery.js';
import { requireSignedShop } from './signed-shop.js';
import type { IngestResult, TopicRegistry } from './topic-registry.js';

export type WebhookOutcome =
  | IngestResult
  | { readonly outcome: 'duplicate'; readonly first: IngestResult['outcome']; readonly shopifyId?: string };

/** The same webhook id is being processed right now; Shopify's retry will find it done. */
export class DeliveryInProgressError extends DomainError {
  constructor() {
    super('DELIVERY_IN_PROGRESS', 409, 'This webhook delivery is already being processed; retry later');
  }
}

export interface DeliveryDedupe {
  /**
   * Runs `work` once per key. A later call with the same key returns the first result with
   * `duplicate: true`; a call while the first is still running throws DeliveryInProgressError.
   * A `work` that throws leaves no trace, so Shopify's retry runs it again.
   */
  once(key: string, work: () => Promise<IngestResult>): Promise<{ result: IngestResult; duplicate: boolean }>;
}

export interface IngestDeps {
  readonly topics: TopicRegistry;
  readonly dedupe: DeliveryDedupe;
}

export const ingest = async (
  delivery: WebhookDelivery,
  integration: Integration,
  { topics, dedupe }: IngestDeps,
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
  // Scoped by integration: a webhook id is only ever meaningful within the store that sent it.
  const { result, duplicate } = await dedupe.once(`${integration.integrationId}/${delivery.webhookId}`, () =>
    topic.handle(delivery, integration, payload),
  );
  if (!duplicate) return result;
  return {
    outcome: 'duplicate',
    first: result.outcome,
    ...(result.shopifyId && { shopifyId: result.shopifyId }),
  };
};
