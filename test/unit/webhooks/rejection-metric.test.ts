import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { createTopicRegistry, defineTopic } from '../../../lambdas/core/webhooks/topic-registry.js';
import { createWebhookHandler } from '../../../lambdas/handlers/webhook.js';
import { appUninstalledPayloadSchema } from '../../../lambdas/shopify/compliance-payloads.js';
import { webhookEvent } from '../../support/webhook-delivery.js';

const integration: Integration = {
  integrationId: 'int-victim',
  organizationId: 'org-victim',
  shopDomain: 'victim.myshopify.com',
  shopifyShopId: 'gid://shopify/Shop/2',
  status: 'ACTIVE',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** Records what the handler emits: plain metrics, and single metrics with their dimensions. */
const recordingMetrics = () => {
  const emitted: { name: string; dimensions: Record<string, string> }[] = [];
  const metricsOf = (dimensions: Record<string, string>) => ({
    addDimension: (name: string, value: string) => void (dimensions[name] = value),
    addMetric: (name: string) => void emitted.push({ name, dimensions: { ...dimensions } }),
    singleMetric: () => metricsOf({}),
    publishStoredMetrics: () => undefined,
  });
  return { emitted, metrics: metricsOf({}) as unknown as Metrics };
};

describe('WebhookRejected', () => {
  const handled: string[] = [];
  const { emitted, metrics } = recordingMetrics();
  const handle = createWebhookHandler({
    integrations: {
      findByShopDomain: async (shop) => (shop === integration.shopDomain ? [integration] : []),
      ownWebhookSecretsInUse: async () => false,
    },
    secrets: { appSecrets: async () => ['app-secret'], integrationSecret: async () => undefined },
    processed: { has: async () => false, add: async () => undefined },
    topics: createTopicRegistry({
      'app/uninstalled': defineTopic({
        payload: appUninstalledPayloadSchema,
        signedShop: (shop) => ({ domain: shop.myshopify_domain, id: shop.id }),
        servesInactiveIntegrations: true,
        handle: async (delivery) => {
          handled.push(delivery.shopDomain);
          return { outcome: 'written' };
        },
      }),
    }),
    metrics,
  });
  const alphaBody = '{"id":1,"myshopify_domain":"alpha.myshopify.com","domain":"alpha.myshopify.com"}';

  it('carries a reason dimension from a small fixed set, never the shop', async () => {
    const mismatch = await handle(
      webhookEvent({
        secret: 'app-secret',
        shop: integration.shopDomain,
        topic: 'app/uninstalled',
        body: alphaBody,
      }),
    );
    const forged = await handle(
      webhookEvent({
        secret: 'not-the-secret',
        shop: integration.shopDomain,
        topic: 'app/uninstalled',
        body: alphaBody,
      }),
    );
    const malformed = await handle(
      webhookEvent({
        secret: 'app-secret',
        shop: integration.shopDomain,
        topic: 'app/uninstalled',
        body: '{"id":2}',
      }),
    );

    expect([mismatch.statusCode, forged.statusCode, malformed.statusCode]).toEqual([401, 401, 400]);
    const rejections = emitted.filter((metric) => metric.name === 'WebhookRejected');
    expect(rejections.filter((metric) => Object.keys(metric.dimensions).length > 0)).toEqual([
      { name: 'WebhookRejected', dimensions: { reason: 'shop-mismatch' } },
      { name: 'WebhookRejected', dimensions: { reason: 'invalid-signature' } },
      { name: 'WebhookRejected', dimensions: { reason: 'invalid-delivery' } },
    ]);
    // And each once without the dimension, for the alarm on every rejection.
    expect(rejections.filter((metric) => Object.keys(metric.dimensions).length === 0)).toEqual(
      Array(3).fill({ name: 'WebhookRejected', dimensions: {} }),
    );
    expect(handled).toEqual([]);
  });

  it('is not emitted when the body names the shop the header resolved to', async () => {
    emitted.length = 0;
    const own = `{"id":2,"myshopify_domain":"${integration.shopDomain}"}`;
    const answer = await handle(
      webhookEvent({
        secret: 'app-secret',
        shop: integration.shopDomain,
        topic: 'app/uninstalled',
        body: own,
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(emitted).toContainEqual({ name: 'WebhookWritten', dimensions: {} });
    expect(emitted.map((metric) => metric.name)).not.toContain('WebhookRejected');
    expect(handled).toEqual([integration.shopDomain]);
  });
});
