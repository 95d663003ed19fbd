/**
 * Applies a webhook delivery through the real ingest path (topic schema, shop check, the
 * record's conditional write with its receipt), as if freshly signed: each call carries a new
 * body digest, so tests of the write rules can send one body twice and see the rules, not the
 * replay guard (which has tests of its own).
 */
import { randomUUID } from 'node:crypto';
import type { Integration } from '../../lambdas/core/integrations/integration.js';
import { parseShopifyJson } from '../../lambdas/core/webhooks/shopify-json.js';
import { ingest } from '../../lambdas/core/webhooks/ingest.js';
import type { TopicRegistry } from '../../lambdas/core/webhooks/topic-registry.js';

export const applyDelivery = (
  topics: TopicRegistry,
  integration: Integration,
  { topic, body, triggeredAt }: { topic: string; body: string; triggeredAt?: string },
) => {
  const now = new Date().toISOString();
  return ingest(
    {
      shopDomain: integration.shopDomain,
      topic,
      webhookId: `w-${randomUUID()}`,
      triggeredAt: triggeredAt ?? now,
      receivedAt: now,
      transport: 'https',
      payload: () => parseShopifyJson(body),
      digest: randomUUID(),
    },
    integration,
    { topics, processed: { has: async () => false, add: async () => undefined } },
  );
};
