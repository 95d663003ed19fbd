import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, ValidationError } from '../../../lambdas/core/errors.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { authenticateDelivery } from '../../../lambdas/core/webhooks/authenticate.js';
import { parseDeliveryHeaders, readRawBody } from '../../../lambdas/core/webhooks/delivery.js';
import type { ProcessedDeliveries } from '../../../lambdas/core/webhooks/replay-guard.js';
import { ingest } from '../../../lambdas/core/webhooks/ingest.js';
import { z } from 'zod';
import {
  type TopicDefinition,
  createTopicRegistry,
  defineTopic,
} from '../../../lambdas/core/webhooks/topic-registry.js';
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
const processed: ProcessedDeliveries = { has: async () => false, add: async () => undefined };

describe('topic registry and ingest', () => {
  it('routes each topic to its registered handler and ignores unknown topics', async () => {
    const seen: string[] = [];
    const handler = defineTopic({
      payload: z.looseObject({}),
      handle: async (delivery) => {
        seen.push(delivery.topic);
        return { outcome: 'written' };
      },
    });
    const topics = createTopicRegistry({ 'customers/update': handler }, { 'app/uninstalled': handler });
    const delivery = {
      ...parseDeliveryHeaders(headers, new Date('2026-03-01T16:00:00Z')),
      transport: 'https' as const,
      payload: () => ({}),
      digest: 'd',
    };
    expect(await ingest(delivery, integration, { topics, processed })).toEqual({ outcome: 'written' });
    expect(
      await ingest({ ...delivery, topic: 'products/create' }, integration, { topics, processed }),
    ).toEqual({
      outcome: 'ignored',
      reason: 'unhandled-topic',
    });
    expect(seen).toEqual(['customers/update']);
    expect(topics.topics).toEqual(['customers/update', 'app/uninstalled']);
  });

  it('refuses to register a topic twice', () => {
    const handler: TopicDefinition = { payload: z.unknown(), handle: async () => ({ outcome: 'written' }) };
    expect(() =>
      createTopicRegistry({ 'customers/create': handler }, { 'customers/create': handler }),
    ).toThrow(/twice/);
  });
});

describe('delivery parsing', () => {
  it('lower-cases the shop and normalises X-Shopify-Triggered-At to UTC ms', () => {
    expect(parseDeliveryHeaders(headers, new Date('2026-03-01T16:00:00Z'))).toMatchObject({
      shopDomain: 'a.myshopify.com',
      triggeredAt: '2026-03-01T15:00:00.123Z',
    });
    expect(() => parseDeliveryHeaders({ ...headers, 'x-shopify-triggered-at': 'soon' })).toThrow(
      ValidationError,
    );
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

describe('X-Shopify-Triggered-At is an unsigned claim', () => {
  const receivedAt = new Date('2026-03-01T16:00:00.000Z');
  const triggeredAt = (value: string) =>
    parseDeliveryHeaders({ ...headers, 'x-shopify-triggered-at': value }, receivedAt).triggeredAt;

  it('keeps a time within the 48 h before receipt', () => {
    expect(triggeredAt('2026-02-28T16:00:00.000Z')).toBe('2026-02-28T16:00:00.000Z');
    expect(triggeredAt('2026-02-27T16:00:00.000Z')).toBe('2026-02-27T16:00:00.000Z');
    expect(triggeredAt('2026-03-01T16:00:00.000Z')).toBe('2026-03-01T16:00:00.000Z');
  });

  it('replaces a time before the window or in the future with the time of receipt', () => {
    expect(triggeredAt('1970-01-01T00:00:00.000Z')).toBe(receivedAt.toISOString());
    expect(triggeredAt('2026-02-27T15:59:59.999Z')).toBe(receivedAt.toISOString());
    expect(triggeredAt('2026-03-01T16:00:00.001Z')).toBe(receivedAt.toISOString());
    expect(triggeredAt('2099-01-01T00:00:00.000Z')).toBe(receivedAt.toISOString());
  });
});

describe('authentication order', () => {
  const body = '{"id":1}';
  /** A lookup that counts its calls: "before any DynamoDB lookup" is checked, not assumed. */
  const lookup = (found: Integration[], ownSecretsInUse = true) => {
    const calls = { find: 0, secretsInUse: 0 };
    return {
      calls,
      findByShopDomain: async () => {
        calls.find += 1;
        return found;
      },
      ownWebhookSecretsInUse: async () => {
        calls.secretsInUse += 1;
        return ownSecretsInUse;
      },
    };
  };

  it("an integration's own secret overrides the app secret", async () => {
    const secrets = { appSecrets: async () => ['app'], integrationSecret: async () => 'own' };
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
    const secrets = { appSecrets: async () => ['app'], integrationSecret: async () => undefined };
    const request = {
      headers: { 'x-shopify-hmac-sha256': hmac('nope', 'x') },
      body: 'not json',
      isBase64Encoded: false,
    };
    await expect(authenticateDelivery(request, { integrations: lookup([]), secrets })).rejects.toMatchObject({
      httpStatus: 401,
    });
  });

  it('with no store on a secret of its own, a bad signature is refused before any integration lookup', async () => {
    const secrets = { appSecrets: async () => ['app'], integrationSecret: async () => undefined };
    const integrations = lookup([integration], false);
    const forged = {
      headers: { ...headers, 'x-shopify-hmac-sha256': hmac('guess', body) },
      body,
      isBase64Encoded: false,
    };
    await expect(authenticateDelivery(forged, { integrations, secrets })).rejects.toMatchObject({
      httpStatus: 401,
    });
    expect(integrations.calls.find).toBe(0);
  });

  it('during a rotation, a body signed with the current or the previous app secret verifies', async () => {
    const secrets = { appSecrets: async () => ['new', 'old'], integrationSecret: async () => undefined };
    const signedWith = (secret: string) => ({
      headers: { ...headers, 'x-shopify-hmac-sha256': hmac(secret, body) },
      body,
      isBase64Encoded: false,
    });
    const deps = { integrations: lookup([integration], false), secrets };
    await expect(authenticateDelivery(signedWith('new'), deps)).resolves.toMatchObject({ kind: 'accepted' });
    await expect(authenticateDelivery(signedWith('old'), deps)).resolves.toMatchObject({ kind: 'accepted' });
    await expect(authenticateDelivery(signedWith('older'), deps)).rejects.toMatchObject({ httpStatus: 401 });
  });
});
