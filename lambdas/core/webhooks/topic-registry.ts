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

export type TopicHandlers = Readonly<Record<string, TopicHandler>>;

export interface TopicRegistry {
  handlerFor(topic: string): TopicHandler | undefined;
  readonly topics: readonly string[];
}

export const createTopicRegistry = (...groups: readonly TopicHandlers[]): TopicRegistry => {
  const handlers = new Map<string, TopicHandler>();
  for (const group of groups) {
    for (const [topic, handler] of Object.entries(group)) {
      if (handlers.has(topic)) throw new Error(`Webhook topic ${topic} registered twice`);
      handlers.set(topic, handler);
    }
  }
  return { handlerFor: (topic) => handlers.get(topic), topics: [...handlers.keys()] };
};
