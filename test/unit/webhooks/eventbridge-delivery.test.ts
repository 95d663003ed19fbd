import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import {
  eventSourceArn,
  parseEventBridgeDelivery,
  resolveEventBridgeDelivery,
} from '../../../lambdas/core/webhooks/eventbridge-delivery.js';
import { oversizedStubId } from '../../../lambdas/core/webhooks/oversized-payload.js';

const source = 'aws.partner/shopify.com/1234567/shopify-sync';
const receivedAt = new Date('2026-03-01T16:00:00Z');
const metadata = {
  'Content-Type': 'application/json',
  'X-Shopify-Topic': 'customers/update',
  'X-Shopify-Shop-Domain': 'Shop-A.myshopify.com',
  'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  'X-Shopify-Triggered-At': '2026-03-01T15:59:58.123456Z',
  'X-Shopify-API-Version': '2026-10',
};
/** The SQS message body: the event as EventBridge serialises it, the payload's ids bare numbers. */
const eventText = (payload: string, overrides: Record<string, unknown> = {}) => {
  const envelope = {
    version: '0',
    id: 'f2c5c2c5-0000-0000-0000-000000000000',
    'detail-type': 'shopifyWebhook',
    source,
    account: '123456789012',
    time: '2026-03-01T16:00:00Z',
    region: 'eu-west-1',
    resources: [],
    ...overrides,
  };
  return `${JSON.stringify(envelope).slice(0, -1)},"detail":{"payload":${payload},"metadata":${JSON.stringify(metadata)}}}`;
};

describe('an EventBridge webhook event', () => {
  it('reads the metadata as the delivery headers and keeps ids above 2^53 exact', () => {
    const delivery = parseEventBridgeDelivery(
      eventText('{"id":9007199254740993,"customer_id":18446744073709551615}'),
      {
        expectedSource: source,
        receivedAt,
      },
    );
    expect(delivery).toMatchObject({
      transport: 'eventbridge',
      shopDomain: 'shop-a.myshopify.com',
      topic: 'customers/update',
      webhookId: metadata['X-Shopify-Webhook-Id'],
      eventId: metadata['X-Shopify-Event-Id'],
      apiVersion: '2026-10',
      triggeredAt: '2026-03-01T15:59:58.123Z',
      digest: `webhook-id:${metadata['X-Shopify-Webhook-Id']}`,
    });
    expect(delivery.payload()).toEqual({ id: '9007199254740993', customer_id: '18446744073709551615' });
  });

  it('refuses an event from another source, another detail-type or without its metadata', () => {
    expect(() =>
      parseEventBridgeDelivery(eventText('{}', { source: 'aws.partner/shopify.com/999/other' }), {
        expectedSource: source,
      }),
    ).toThrow(ValidationError);
    expect(() => parseEventBridgeDelivery(eventText('{}', { 'detail-type': 'Sync Completed' }))).toThrow(
      /detail-type/,
    );
    expect(() => parseEventBridgeDelivery(eventText('{}').replace('X-Shopify-Topic', 'X-Other'))).toThrow(
      /x-shopify-topic/,
    );
    expect(() => parseEventBridgeDelivery('not json')).toThrow(ValidationError);
  });

  it('names the ARN Shopify subscriptions take as their uri', () => {
    expect(eventSourceArn('eu-west-1', source)).toBe(
      'arn:aws:events:eu-west-1::event-source/aws.partner/shopify.com/1234567/shopify-sync',
    );
  });

  it('is for the store connected through the app, never one with a webhook secret of its own', async () => {
    const delivery = parseEventBridgeDelivery(eventText('{}'), { receivedAt });
    const store = (id: string, extra: Partial<Integration> = {}): Integration => ({
      integrationId: id,
      organizationId: `org-${id}`,
      shopDomain: 'shop-a.myshopify.com',
      status: 'ACTIVE',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...extra,
    });
    const lookup = (found: Integration[]) => ({
      findByShopDomain: async () => found,
      ownWebhookSecretsInUse: async () => true,
    });
    expect(
      await resolveEventBridgeDelivery(
        delivery,
        lookup([store('custom', { encryptedWebhookSecret: 'x' }), store('app')]),
      ),
    ).toMatchObject({ kind: 'accepted', integration: { integrationId: 'app' } });
    expect(
      await resolveEventBridgeDelivery(delivery, lookup([store('custom', { encryptedWebhookSecret: 'x' })])),
    ).toMatchObject({ kind: 'ignored', reason: 'unknown-shop' });
  });

  it('takes exactly {"id": n} as the stand-in for an oversized body, and only from EventBridge', () => {
    const eventBridge = parseEventBridgeDelivery(eventText('{"id":1}'), { receivedAt });
    expect(oversizedStubId(eventBridge, { id: '7000000000000000001' })).toBe('7000000000000000001');
    expect(oversizedStubId(eventBridge, { id: '1', title: 'x' })).toBeUndefined();
    expect(oversizedStubId({ ...eventBridge, transport: 'https' }, { id: '1' })).toBeUndefined();
  });
});
