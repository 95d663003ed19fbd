/**
 * Topic → definition. A topic is its strict payload schema plus a handler; new topics
 * (orders/*, products/*) are added by registering a definition here, and the webhook path,
 * signature check, shop check and replay guard stay untouched.
 */
import type { z } from 'zod';
import type { Integration } from '../integrations/integration.js';
import type { WebhookDelivery } from './delivery.js';
import type { DeliveryReceipt } from './replay-guard.js';
import type { SignedShop } from './signed-shop.js';

export type IngestResult =
  | { readonly outcome: 'written'; readonly shopifyId?: string }
  | { readonly outcome: 'stale'; readonly reason: string; readonly shopifyId?: string }
  | { readonly outcome: 'ignored'; readonly reason: string; readonly shopifyId?: string }
  | { readonly outcome: 'duplicate'; readonly reason: string; readonly shopifyId?: string };

export type TopicHandler<P = unknown> = (
  delivery: WebhookDelivery,
  integration: Integration,
  payload: P,
  receipt: DeliveryReceipt,
) => Promise<IngestResult>;

export interface TopicDefinition<P = unknown> {
  /**
   * The topic's own body shape. The topic header is unsigned, so the shape is what tells an
   * update body from a delete body: a body that does not fit is refused (400) before any write.
   */
  readonly payload: z.ZodType<P>;
  readonly handle: TopicHandler<P>;
  /**
   * For topics whose signed body names its shop (uninstall, privacy): that shop must be the
   * integration the unsigned X-Shopify-Shop-Domain header resolved to, or nothing happens.
   */
  readonly signedShop?: (payload: P) => SignedShop;
  /**
   * Most topics only matter while the store is connected. Uninstall and the privacy topics
   * arrive after it (shop/redact comes ~48 h after app/uninstalled) and must still be honoured.
   */
  readonly servesInactiveIntegrations?: boolean;
  /**
   * The handler's single write records `receipt` atomically with itself and answers 'duplicate'
   * when it was already recorded (customer writes): no separate check and record round trips.
   */
  readonly recordsReceipt?: boolean;
  /**
   * The handler converges on the same state however often the body comes, so no digest of it is
   * kept. For bodies that are byte-identical by design (every shop/redact of a shop is
   * `{shop_id, shop_domain}`), a digest would refuse a genuine second request (uninstall,
   * reconnect, uninstall, shop/redact) and, after its window, let an old one through: such a
   * topic's handler decides from the state it finds instead.
   */
  readonly idempotent?: boolean;
  /**
   * For topics whose body can be too large for EventBridge (oversized-payload.ts): handles the
   * `{ "id": … }` that stands in for it, by reading the record from Shopify. Same receipt rules.
   */
  readonly oversized?: (
    delivery: WebhookDelivery,
    integration: Integration,
    shopifyId: string,
    receipt: DeliveryReceipt,
  ) => Promise<IngestResult>;
}

/** Keeps the payload type between a definition's schema and its handler, then erases it. */
export const defineTopic = <P>(definition: TopicDefinition<P>): TopicDefinition =>
  definition as unknown as TopicDefinition;

export type TopicDefinitions = Readonly<Record<string, TopicDefinition>>;

export interface TopicRegistry {
  definitionOf(topic: string): TopicDefinition | undefined;
  readonly topics: readonly string[];
}

export const createTopicRegistry = (...groups: readonly TopicDefinitions[]): TopicRegistry => {
  const definitions = new Map<string, TopicDefinition>();
  for (const group of groups) {
    for (const [topic, definition] of Object.entries(group)) {
      if (definitions.has(topic)) throw new Error(`Webhook topic ${topic} registered twice`);
      definitions.set(topic, definition);
    }
  }
  return {
    definitionOf: (topic) => definitions.get(topic),
    topics: [...definitions.keys()],
  };
};
