import { describe, expect, it } from 'vitest';
import { collectionsResource } from '../../../lambdas/resources/collections/index.js';
import { MAX_MEMBERS_IN_ITEM } from '../../../lambdas/resources/collections/record.js';
import {
  fromGraphql,
  fromWebhook,
  type GraphqlCollection,
} from '../../../lambdas/resources/collections/shopify/mapping.js';
import {
  collectionDeletePayloadSchema,
  collectionPayloadSchema,
} from '../../../lambdas/resources/collections/shopify/payloads.js';
import { defaultResourceNames } from '../../../lambdas/resources/registry.js';

const owner = { organizationId: 'org-1', integrationId: 'int-1', shopDomain: 'c.myshopify.com' };

const node = (memberIds: readonly string[], more: Partial<GraphqlCollection> = {}): GraphqlCollection => ({
  id: 'gid://shopify/Collection/9007199254740993',
  title: 'Summer',
  handle: 'summer',
  sortOrder: 'BEST_SELLING',
  updatedAt: '2026-12-01T10:00:00+01:00',
  productsCount: { count: memberIds.length, precision: 'EXACT' },
  products: {
    nodes: memberIds.map((id) => ({ id: `gid://shopify/Product/${id}` })),
    pageInfo: { hasNextPage: false, endCursor: null },
  },
  ...more,
});

const payload = {
  id: '9007199254740993',
  admin_graphql_api_id: 'gid://shopify/Collection/9007199254740993',
  title: 'Summer',
  handle: 'summer',
  sort_order: 'best-selling',
  body_html: '<p>Sun</p>',
  published_scope: 'web',
  updated_at: '2026-12-01T04:00:00-05:00',
};

describe('collections resource', () => {
  it('is opt-in and needs read_products only', () => {
    expect(collectionsResource.optIn).toBe(true);
    expect(defaultResourceNames).not.toContain('collections');
    expect(collectionsResource.scopes).toEqual(['read_products']);
  });

  it('maps the sync node and the webhook body to the same collection fields (exact ids, UTC times, GraphQL enum spelling)', () => {
    const synced = fromGraphql(node(['10', '2']), owner);
    const received = fromWebhook(collectionPayloadSchema.parse(payload), owner);
    const { productIds, productsCount, ...collectionFields } = synced;
    expect(received).toEqual(collectionFields);
    expect(received).toMatchObject({
      shopifyId: '9007199254740993',
      shopifyGid: 'gid://shopify/Collection/9007199254740993',
      shopifyUpdatedAt: '2026-12-01T09:00:00.000Z',
      sortOrder: 'BEST_SELLING',
    });
    // Members come from the sync only: a webhook's record has none, so the store keeps them.
    expect(productIds).toEqual(['2', '10']);
    expect(productsCount).toBe(2);
    expect('productIds' in received).toBe(false);
  });

  it('orders member ids as numbers and drops a repeated one, so pages and bulk lines give one list', () => {
    const record = fromGraphql(node(['9007199254740995', '30', '9007199254740993', '30']), owner);
    expect(record.productIds).toEqual(['30', '9007199254740993', '9007199254740995']);
  });

  it('keeps no ids for a collection larger than one item holds, and says how many it has', () => {
    const ids = Array.from({ length: MAX_MEMBERS_IN_ITEM + 1 }, (_, n) => String(1_000_000 + n));
    const record = fromGraphql(
      node(ids, {
        productsCount: { count: 40_000, precision: 'EXACT' },
        products: {
          nodes: ids.map((id) => ({ id: `gid://shopify/Product/${id}` })),
          pageInfo: { hasNextPage: true, endCursor: 'c' },
        },
      }),
      owner,
    );
    expect(record.productIds).toBeNull();
    expect(record.productsCount).toBe(40_000);
    const full = fromGraphql(node(ids.slice(0, MAX_MEMBERS_IN_ITEM)), owner);
    expect(full.productIds).toHaveLength(MAX_MEMBERS_IN_ITEM);
  });

  it('refuses a body whose gid names another collection, and a delete that carries more than its id', () => {
    expect(
      collectionPayloadSchema.safeParse({ ...payload, admin_graphql_api_id: 'gid://shopify/Collection/1' })
        .success,
    ).toBe(false);
    expect(collectionDeletePayloadSchema.safeParse({ id: '5' }).success).toBe(true);
    expect(collectionDeletePayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('lists every collection on every sync (membership moves without the collection’s updatedAt)', () => {
    expect(collectionsResource.updatedSince('2026-12-01T00:00:00.000Z')).toBe('');
  });
});
