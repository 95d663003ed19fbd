import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, ValidationError } from '../../../lambdas/core/errors.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { authenticateDelivery } from '../../../lambdas/core/webhooks/authenticate.js';
import { parseDeliveryHeaders, readRawBody } from '../../../lambdas/core/webhooks/delivery.js';
import type { DeliveryDedupe } from '../../../lambdas/core/webhooks/ingest.js';
import { ingest } from '../../../lambdas/core/webhooks/ingest.js';
import { type TopicHandler, createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { hmac } from '../../support/webhook-delivery.js';

const integration: Integration = {
  integrationId: 'int-1',
  organizationId: 'org-1',
  shopDomain: 'a.myshopify.com',
  status: 'ACTIVE',
  encryptedAccessToken: 'x',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const headers = {
  'x-shopify-shop-domain': 'A.myshopify.com',
  'x-shopify-topic': 'customers/update',
  'x-shopify-webhook-id': 'w-1',
  'x-shopify-triggered-at': '2026-03-01T10:00:00.123456789-05:00',
};
const runOnce: DeliveryDedupe = { once: async (_key, work) => ({ result: await work(), duplicate: false }) };

describe('topic registry and ingest', () => {
  it('routes each topic to its registered handler and ignores unknown topics', async () => {
    const seen: string[] = [];
    const handler: TopicHandler = async (delivery) => {
      seen.push(delivery.topic);
      return { outcome: 'written' };
    };
    const topics = createTopicRegistry({ 'customers/update': handler }, { 'app/uninstalled': handler });
    const delivery = parseDeliveryHeaders(headers, new Uint8Array());
    expect(await ingest(delivery, integration, { topics, dedupe: runOnce })).toEqual({ outcome: 'written' });
    expect(
      await ingest({ ...delivery, topic: 'products/create' }, integration, { topics, dedupe: runOnce }),
    ).toEqual({
      outcome: 'ignored',
      reason: 'unhandled-topic',
    });
    expect(seen).toEqual(['customers/update']);
    expect(topics.topics).toEqual(['customers/update', 'app/uninstalled']);
  });

  it('refuses to register a topic twice', () => {
    const handler: TopicHandler = async () => ({ outcome: 'written' });
    expect(() =>
      createTopicRegistry({ 'customers/create': handler }, { 'customers/create': handler }),
    ).toThrow(/twice/);
  });
});

describe('delivery parsing', () => {
  it('lower-cases the shop and normalises X-Shopify-Triggered-At to UTC ms', () => {
    expect(parseDeliveryHeaders(headers, new Uint8Array())).toMatchObject({
      shopDomain: 'a.myshopify.com',
      triggeredAt: '2026-03-01T15:00:00.123Z',
    });
    expect(() =>
      parseDeliveryHeaders({ ...headers, 'x-shopify-triggered-at': 'soon' }, new Uint8Array()),
    ).toThrow(ValidationError);
  });

  it('refuses bodies over the limit, in plain or base64 form', () => {
    const big = 'x'.repeat(101);
    expect(() => readRawBody({ headers: {}, body: big, isBase64Encoded: false }, 100)).toThrow(
      PayloadTooLargeError,
    );
    const b64 = Buffer.from(big).toString('base64');
    expect(() => readRawBody({ headers: {}, body: b64, isBase64Encoded: true }, 100)).toThrow(
      PayloadTooLargeError,
    );
    expect(
      readRawBody({ headers: {}, body: Buffer.from('é').toString('base64'), isBase64Encoded: true }, 100),
    ).toEqual(Buffer.from('é'));
  });
});

describe('authentication order', () => {
  const body = '{"id":1}';
  const lookup = (found: Integration[]) => ({ findByShopDomain: async () => found });

  it("an integration's own secret overrides the app secret", async () => {
    const secrets = { appSecret: async () => 'app', integrationSecret: async () => 'own' };
    const request = (secret: string) => ({
      headers: { ...headers, 'X-Shopify-Hmac-Sha256': hmac(secret, body) },
      body,
      isBase64Encoded: false,
    });
    const deps = { integrations: lookup([integration]), secrets };
    await expect(authenticateDelivery(request('own'), deps)).resolves.toMatchObject({ kind: 'accepted' });
    await expect(authenticateDelivery(request('app'), deps)).rejects.toMatchObject({ httpStatus: 401 });
  });

  it('never looks at the topic or body of an unsigned delivery', async () => {
    const secrets = { appSecret: async () => 'app', integrationSecret: async () => undefined };
    const request = {
      headers: { 'x-shopify-hmac-sha256': hmac('nope', 'x') },
      body: 'not json',
      isBase64Encoded: false,
    };
    await expect(authenticateDelivery(request, { integrations: lookup([]), secrets })).rejects.toMatchObject({
      httpStatus: 401,
    });
  });
});
