import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { connectRequestSchema } from '../../../lambdas/core/integrations/connect-request.js';
import {
  grantedTopics,
  planSubscriptionRepair,
  subscriptionTarget,
  webhookTopicsFor,
} from '../../../lambdas/core/integrations/webhook-subscriptions.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import { decodeCursor, encodeCursor } from '../../../lambdas/core/read-api/record-listing.js';
import { isReconcileDue } from '../../../lambdas/core/reconcile/deletion-reconcile.js';

const uri = 'https://hooks.example.test/webhooks/shopify';
const customersOnly = webhookTopicsFor([customersResource], [customersResource]);
/** A registered resource the deployment does not mirror. */
const ordersLike = {
  webhooks: { ...customersResource.webhooks, upsertTopics: ['orders/create'], deleteTopic: 'orders/delete' },
};

describe('planSubscriptionRepair', () => {
  it('plans nothing when every managed topic has one subscription at the right address', () => {
    const existing = [
      'CUSTOMERS_CREATE',
      'CUSTOMERS_UPDATE',
      'CUSTOMERS_DELETE',
      'APP_UNINSTALLED',
      'BULK_OPERATIONS_FINISH',
    ].map((topic, i) => ({ id: `s${i}`, topic, uri }));
    expect(planSubscriptionRepair(existing, uri, customersOnly)).toEqual([]);
  });

  it("creates missing topics and drops duplicates of ours, and touches no one else's subscription", () => {
    const elsewhere = 'https://someone-else.example.test/hooks';
    const existing = [
      { id: 'a', topic: 'CUSTOMERS_CREATE', uri: elsewhere },
      { id: 'b', topic: 'CUSTOMERS_UPDATE', uri },
      { id: 'c', topic: 'CUSTOMERS_UPDATE', uri },
      { id: 'd', topic: 'CUSTOMERS_UPDATE', uri: elsewhere },
      { id: 'e', topic: 'APP_UNINSTALLED', uri: elsewhere },
      { id: 'f', topic: 'ORDERS_CREATE', uri: elsewhere },
    ];
    const withOrders = webhookTopicsFor([customersResource], [customersResource, ordersLike]);
    expect(planSubscriptionRepair(existing, uri, withOrders)).toEqual([
      { kind: 'create', topic: 'CUSTOMERS_CREATE' },
      { kind: 'delete-duplicate', topic: 'CUSTOMERS_UPDATE', id: 'c' },
      { kind: 'create', topic: 'CUSTOMERS_DELETE' },
      { kind: 'create', topic: 'APP_UNINSTALLED' },
      { kind: 'create', topic: 'BULK_OPERATIONS_FINISH' },
    ]);
  });

  it("deletes our subscriptions of a resource no longer mirrored, not another app's", () => {
    const existing = [
      { id: 'x', topic: 'ORDERS_CREATE', uri },
      { id: 'y', topic: 'ORDERS_CREATE', uri: 'https://someone-else.example.test/hooks' },
    ];
    const withOrders = webhookTopicsFor([customersResource], [customersResource, ordersLike]);
    expect(planSubscriptionRepair(existing, uri, withOrders)).toContainEqual({
      kind: 'delete-unwanted',
      topic: 'ORDERS_CREATE',
      id: 'x',
    });
    expect(planSubscriptionRepair(existing, uri, withOrders)).not.toContainEqual(
      expect.objectContaining({ id: 'y' }),
    );
  });
});

describe('grantedTopics', () => {
  const both = webhookTopicsFor([customersResource, ordersResource], [customersResource, ordersResource]);

  it('leaves out the topics of a resource whose scopes are missing, app/uninstalled and bulk finish never', () => {
    const topics = grantedTopics(both, { orders: ['read_orders'] });
    expect(topics.wanted).toEqual([
      'CUSTOMERS_CREATE',
      'CUSTOMERS_UPDATE',
      'CUSTOMERS_DELETE',
      'APP_UNINSTALLED',
      'BULK_OPERATIONS_FINISH',
    ]);
    // Still known: our subscription of a topic the grant no longer allows is removed.
    expect(planSubscriptionRepair([{ id: 'o', topic: 'ORDERS_CREATE', uri }], uri, topics)).toContainEqual({
      kind: 'delete-unwanted',
      topic: 'ORDERS_CREATE',
      id: 'o',
    });
  });

  it('with nothing missing (or never checked), every mirrored topic is wanted', () => {
    expect(grantedTopics(both, {})).toBe(both);
    expect(grantedTopics(both, undefined).wanted).toContain('ORDERS_UPDATED');
  });
});

describe('subscriptions in eventbridge mode', () => {
  const eventSourceArn =
    'arn:aws:events:eu-west-1::event-source/aws.partner/shopify.com/1234567/shopify-sync';
  const addresses = { webhookUri: uri, eventSourceArn, viaEventBridge: true };

  it('point a store at the partner event source, and move its HTTPS subscriptions after the new ones exist', () => {
    const target = subscriptionTarget(addresses, false);
    expect(target).toEqual({ uri: eventSourceArn, moveFrom: [uri] });
    const existing = [
      { id: 'h1', topic: 'CUSTOMERS_CREATE', uri },
      { id: 'h2', topic: 'APP_UNINSTALLED', uri },
      { id: 'other', topic: 'CUSTOMERS_CREATE', uri: 'https://someone-else.example.test/hooks' },
    ];
    expect(planSubscriptionRepair(existing, target.uri, customersOnly, target.moveFrom)).toEqual([
      { kind: 'create', topic: 'CUSTOMERS_CREATE' },
      { kind: 'create', topic: 'CUSTOMERS_UPDATE' },
      { kind: 'create', topic: 'CUSTOMERS_DELETE' },
      { kind: 'create', topic: 'APP_UNINSTALLED' },
      { kind: 'create', topic: 'BULK_OPERATIONS_FINISH' },
      { kind: 'delete-moved', topic: 'CUSTOMERS_CREATE', id: 'h1' },
      { kind: 'delete-moved', topic: 'APP_UNINSTALLED', id: 'h2' },
    ]);
  });

  it('keep a store with its own webhook secret (a custom app) on HTTPS: the partner source takes only the app’s own', () => {
    expect(subscriptionTarget(addresses, true)).toEqual({ uri, moveFrom: [eventSourceArn] });
    expect(subscriptionTarget({ webhookUri: uri }, false)).toEqual({ uri, moveFrom: [] });
  });

  it('move back to HTTPS when the mode returns to https while the event source is still configured', () => {
    expect(subscriptionTarget({ webhookUri: uri, eventSourceArn, viaEventBridge: false }, false)).toEqual({
      uri,
      moveFrom: [eventSourceArn],
    });
  });
});

describe('connect request', () => {
  it('lower-cases and trims the shop domain before checking it', () => {
    const parsed = connectRequestSchema.parse({
      organizationId: 'o',
      shopDomain: ' Shop-1.MyShopify.com ',
      accessToken: 't',
    });
    expect(parsed.shopDomain).toBe('shop-1.myshopify.com');
  });
});

describe('isReconcileDue', () => {
  const now = new Date('2026-05-02T12:00:00Z');
  it('is due on a count mismatch, when never reconciled, or a day after the last one', () => {
    expect(
      isReconcileDue({ shopifyCount: 9, storedActive: 10, lastReconciledAt: '2026-05-02T11:00:00Z', now }),
    ).toBe(true);
    expect(isReconcileDue({ shopifyCount: 10, storedActive: 10, lastReconciledAt: undefined, now })).toBe(
      true,
    );
    expect(
      isReconcileDue({ shopifyCount: 10, storedActive: 10, lastReconciledAt: '2026-05-01T12:00:00Z', now }),
    ).toBe(true);
    expect(
      isReconcileDue({ shopifyCount: 10, storedActive: 10, lastReconciledAt: '2026-05-01T12:00:01Z', now }),
    ).toBe(false);
  });
});

describe('listing cursor', () => {
  const key = {
    organizationId: 'org-1',
    shopifyId: '7000000000000000123',
    shopifyUpdatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('round-trips the key of the mode and organization it was made for', () => {
    expect(decodeCursor(encodeCursor('byUpdatedAt', key), 'byUpdatedAt', 'org-1')).toEqual(key);
  });

  it('refuses a cursor for another organization, another mode, or with extra fields', () => {
    const cursor = encodeCursor('byUpdatedAt', key);
    expect(() => decodeCursor(cursor, 'byUpdatedAt', 'org-2')).toThrow(ValidationError);
    expect(() => decodeCursor(cursor, 'byShopifyId', 'org-1')).toThrow(ValidationError);
    const forged = Buffer.from(
      JSON.stringify({ v: 1, mode: 'byShopifyId', key: { ...key, shopifyUpdatedAt: undefined, extra: 'x' } }),
    ).toString('base64url');
    expect(() => decodeCursor(forged, 'byShopifyId', 'org-1')).toThrow(ValidationError);
  });
});
