/**
 * The deletion reconcile on the in-memory record store (the mirror's write rules and per-store
 * reads, held to the DynamoDB store's by the record store contract): no Java. Shopify is a fake
 * that answers the count, the id listing and the lookups by id from one list of live customers.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createInMemoryRecordStore } from '../../../lambdas/adapters/memory/record-store.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { type Integration, reconciledAtOf } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { isReconcileDue, runDeletionReconcile } from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { ReconcileListing } from '../../../lambdas/resources/kit/definition.js';
import { emptyCallStats, type GraphqlResult, type ShopifyGraphql } from '../../../lambdas/shopify/graphql.js';
import { customerNode, owner } from '../sync/fixtures.js';

const NOW = new Date('2026-03-10T00:00:00.000Z');
const LONG_AGO = '2026-03-01T00:00:00.000Z';
const gid = (id: number) => `gid://shopify/Customer/${id}`;

/** Shopify's side: live customers; `unlisted` ones exist but the id listing misses them. */
const fakeShopify = (live: readonly number[], unlisted: readonly number[] = []) => {
  const graphql: ShopifyGraphql = {
    async query<T>(
      document: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
    ): Promise<GraphqlResult<T>> {
      const reply = (data: unknown) => ({ data: schema.parse(data), cost: null, stats: emptyCallStats });
      const reconcile = customersResource.reconcile as ReconcileListing;
      if (document === reconcile.countQuery)
        return reply({ customersCount: { count: live.length, precision: 'EXACT' } });
      if (document === reconcile.idsQuery) {
        const listed = live.filter((id) => !unlisted.includes(id)).map((id) => ({ id: gid(id) }));
        return reply({ customers: { nodes: listed, pageInfo: { hasNextPage: false, endCursor: null } } });
      }
      // nodes(ids:), for the lookup of candidates and the backfill: null for what Shopify no longer has.
      const ids = (variables['ids'] as string[]).map((value) => Number(value.split('/').at(-1)));
      return reply({ nodes: ids.map((id) => (live.includes(id) ? customerNode(id, LONG_AGO) : null)) });
    },
  };
  return graphql;
};

const integration: Integration = {
  ...owner,
  status: 'ACTIVE',
  encryptedAccessToken: 'ciphertext',
  createdAt: LONG_AGO,
  updatedAt: LONG_AGO,
};

const reconcile = async (
  mirrored: readonly number[],
  shopify: ShopifyGraphql,
  options: Parameters<typeof runDeletionReconcile>[2] = { force: true },
  on: Integration = integration,
) => {
  const store = createInMemoryRecordStore<CustomerRecord>({ definition: customersResource });
  for (const id of mirrored)
    await store.upsert(
      customersResource.toRecord!(customersResource.nodeSchema.parse(customerNode(id, LONG_AGO)), owner),
    );
  const reconciled: unknown[] = [];
  const result = await runDeletionReconcile(
    on,
    {
      cipher: { encrypt: async () => 'ciphertext', decrypt: async () => 'token' },
      shopify: () => shopify,
      resource: customersResource,
      inventory: store,
      writes: store,
      records: { recordReconcile: async (_id, outcome) => void reconciled.push(outcome) },
      logger: silentLogger,
      overlapMinutes: 5,
      now: () => NOW,
    },
    options,
  );
  return { result, store, reconciled };
};

describe('the deletion reconcile on the in-memory store', () => {
  it('marks a customer deleted without a webhook, and only that one', async () => {
    const { result, store } = await reconcile([1, 2, 3, 4, 5], fakeShopify([1, 2, 3, 4]));
    expect(result).toMatchObject({ outcome: 'reconciled', markedInactive: ['5'], backfilled: [] });
    expect(await store.get(owner.organizationId, '5')).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'reconciled',
      deletedAt: NOW.toISOString(),
    });
    expect(await store.countActive(owner.integrationId)).toBe(4);
  });

  it('never deletes a customer the listing missed but Shopify still answers for', async () => {
    const { result, store } = await reconcile([1, 2, 3], fakeShopify([1, 2, 3], [2]));
    expect(result).toMatchObject({ outcome: 'reconciled', candidates: 1, markedInactive: [] });
    expect(await store.get(owner.organizationId, '2')).toMatchObject({ status: 'ACTIVE' });
  });

  it('backfills a live customer the mirror never received, and records a reconcile without mismatch', async () => {
    const { result, store, reconciled } = await reconcile([1, 2], fakeShopify([1, 2, 3]));
    expect(result).toMatchObject({ outcome: 'reconciled', markedInactive: [], backfilled: ['3'] });
    expect(await store.get(owner.organizationId, '3')).toMatchObject({
      status: 'ACTIVE',
      shopifyGid: gid(3),
    });
    expect(reconciled).toEqual([
      { reconciledAt: NOW.toISOString(), resource: 'customers', countMismatch: undefined },
    ]);
  });
});

describe("the count the run's probe took", () => {
  /** Shopify as `fakeShopify`, counting the count queries it answers. */
  const counting = (live: readonly number[]) => {
    const shopify = fakeShopify(live);
    const asked = { counts: 0 };
    const graphql: ShopifyGraphql = {
      query: (document, variables, schema, options) => {
        if (document === customersResource.reconcile.countQuery) asked.counts += 1;
        return shopify.query(document, variables, schema, options);
      },
    };
    return { graphql, asked };
  };
  const recently = { ...integration, resourceReconciledAt: { customers: '2026-03-09T23:00:00.000Z' } };

  it('is compared instead of asking Shopify again: counts that agree skip the listing', async () => {
    const { graphql, asked } = counting([1, 2, 3]);
    const { result } = await reconcile([1, 2, 3], graphql, { shopifyCount: 3 }, recently);
    expect(result).toEqual({ outcome: 'skipped', shopifyCount: 3, storedActive: 3 });
    expect(asked.counts).toBe(0);
  });

  it('a mismatch by it runs the reconcile, which concludes only from the listing and lookups', async () => {
    const { graphql } = counting([1, 2]);
    const { result, store } = await reconcile([1, 2, 3], graphql, { shopifyCount: 2 }, recently);
    expect(result).toMatchObject({ outcome: 'reconciled', markedInactive: ['3'] });
    expect(await store.countActive(owner.integrationId)).toBe(2);
  });
});

describe('when a resource was last reconciled', () => {
  const at = '2026-03-09T23:00:00.000Z';
  it('a resource another resource was reconciled before, in the same hour, was never reconciled itself', () => {
    const reconciled = { ...integration, lastReconciledAt: at, resourceReconciledAt: { customers: at } };
    expect(reconciledAtOf(reconciled, 'customers')).toBe(at);
    expect(reconciledAtOf(reconciled, 'inventory-levels')).toBeUndefined();
    expect(isReconcileDue({ shopifyCount: 3, storedActive: 3, lastReconciledAt: undefined, now: NOW })).toBe(
      true,
    );
  });

  it('a record from before per-resource entries falls back to its one reconcile time', () => {
    expect(reconciledAtOf({ ...integration, lastReconciledAt: at }, 'orders')).toBe(at);
  });
});
