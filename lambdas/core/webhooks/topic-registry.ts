/**
 * Topic → handler. New topics (app/uninstalled, compliance, orders/*, products/*) are added by
 * registering a handler here; the webhook path, signature check and dedupe stay untouched.
 */
import type { Integration } from '../integrations/integration.js';
import type { WebhookDelivery } from './delivery.js';

export type IngestResult =
  | { readonly outcome: 'written'; readonly shopifyId?: string }
  | { readonly outcome: 'stale'; readonly reason: string; readonly shopifyId?: string }
  | { readonly outcome: 'ignored'; readonly reason: string; readonly shopifyId?: string };

export type TopicHandler = (delivery: WebhookDelivery, integration: Integration) => Promise<IngestResult>;

/**
 * Most topics only matter while the store is connected. Uninstall and the privacy topics arrive
 * after it (shop/redact comes ~48 h after app/uninstalled) and must still be honoured.
 */
export interface TopicRegistration {
  readonly handle: TopicHandler;
  readonly servesInactiveIntegrations: true;
}

export const evenWhenInactive = (handle: TopicHandler): TopicRegistration => ({
  handle,
  servesInactiveIntegrations: true,
});

export type TopicHandlers = Readonly<Record<string, TopicHandler | TopicRegistration>>;

export interface TopicRegistry {
  handlerFor(topic: string): TopicHandler | undefined;
  servesInactiveIntegrations(topic: string): boolean;
  readonly topics: readonly string[];
}

export const createTopicRegistry = (...groups: readonly TopicHandlers[]): TopicRegistry => {
  const handlers = new Map<
    string,
    TopicRegistration | { handle: TopicHandler; servesInactiveIntegrations: false }
  >();
  for (const group of groups) {
    for (const [topic, entry] of Object.entries(group)) {
      if (handlers.has(topic)) throw new Error(`Webhook topic ${topic} registered twice`);
      handlers.set(
        topic,
        typeof entry === 'function' ? { handle: entry, servesInactiveIntegrations: false } : entry,
      );
    }
  }
  return {
    handlerFor: (topic) => handlers.get(topic)?.handle,
    servesInactiveIntegrations: (topic) => handlers.get(topic)?.servesInactiveIntegrations ?? false,
    topics: [...handlers.keys()],
  };
};
