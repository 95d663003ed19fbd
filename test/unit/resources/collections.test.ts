import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
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
import { emptyCallStats, type ShopifyGraphql } from '../../../lambdas/shopify/graphql.js';

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

describe("a collection's further members", () => {
  /** A collection of `total` members, served 250 a query as Shopify would, counting the queries. */
  const membersServer = (total: number) => {
    const calls: { first: number; after: unknown }[] = [];
    const graphql: ShopifyGraphql = {
      async query<T>(_document: string, variables: Record<string, unknown>, schema: z.ZodType<T>) {
        const first = Number(variables['first']);
        const start = variables['after'] === null ? 0 : Number(variables['after']);
        calls.push({ first, after: variables['after'] });
        const end = Math.min(total, start + first);
        const data = schema.parse({
          collection: {
            products: {
              nodes: Array.from({ length: end - start }, (_, n) => ({
                id: `gid://shopify/Product/${start + n + 1}`,
              })),
              pageInfo: { hasNextPage: end < total, endCursor: String(end) },
            },
          },
        });
        return { data, cost: null, stats: emptyCallStats };
      },
    };
    return { graphql, calls };
  };
  const firstPage = (members: number) =>
    node(
      Array.from({ length: 50 }, (_, n) => String(n + 1)),
      { productsCount: { count: members, precision: 'EXACT' } },
    );
  const withMore = (members: number) => {
    const page = firstPage(members);
    return { ...page, products: { ...page.products, pageInfo: { hasNextPage: true, endCursor: '50' } } };
  };

  it('are read 250 a query until the last, and all land in the record', async () => {
    const { graphql, calls } = membersServer(1_000);
    const complete = await collectionsResource.completeNode!(withMore(1_000), graphql, { query: null });
    expect(calls.map((call) => call.first)).toEqual([250, 250, 250, 250]);
    expect(fromGraphql(complete, owner).productIds).toHaveLength(1_000);
  });

  it('stop once more than one item holds have been read, and the record keeps the count alone', async () => {
    const total = MAX_MEMBERS_IN_ITEM + 10_000;
    const { graphql, calls } = membersServer(total);
    const complete = await collectionsResource.completeNode!(withMore(total), graphql, { query: null });
    // 50 + 100 × 250 = 25,050: the first read past the cap is the last.
    expect(calls).toHaveLength(100);
    const record = fromGraphql(complete, owner);
    expect(record.productIds).toBeNull();
    expect(record.productsCount).toBe(total);
  });
});
