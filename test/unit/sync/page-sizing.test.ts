import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { BucketEstimate, GraphqlResult, ShopifyGraphql } from '../../../lambdas/shopify/graphql.js';
import { emptyCallStats } from '../../../lambdas/shopify/graphql.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { initialResourceProgress, zeroCallCounters } from '../../../lambdas/core/sync/progress.js';
import type { ResourceStep } from '../../../lambdas/core/sync/progress.js';
import { affordablePageSize, syncResource } from '../../../lambdas/core/sync/sync-engine.js';
import { customerNode, owner } from './fixtures.js';

const customersCost = customersResource.pageCost; // 2 + 4 a node

const node = (id: number) => customerNode(id, new Date(Date.UTC(2026, 0, 1, 0, 0, 0, id)).toISOString());

describe('affordablePageSize', () => {
  it('sizes a page to the points the bucket holds now', () => {
    expect(affordablePageSize(customersCost, 249, { available: 202, maximum: 2000 })).toBe(50);
  });

  it('asks for the largest page when the bucket can pay for it', () => {
    expect(affordablePageSize(customersCost, 249, { available: 2000, maximum: 2000 })).toBe(249);
  });

  it('falls back to the smallest sensible page (a tenth of the largest) when even that is not there', () => {
    expect(affordablePageSize(customersCost, 249, { available: 0, maximum: 2000 })).toBe(24);
    expect(affordablePageSize(customersCost, 5, { available: 0, maximum: 2000 })).toBe(1);
  });

  it('never asks for more than the bucket can ever hold', () => {
    expect(affordablePageSize(customersCost, 249, { available: 402, maximum: 402 })).toBe(100);
    expect(affordablePageSize(customersCost, 249, { available: 0, maximum: 402 })).toBe(10);
  });

  it('sends the largest page before any cost has been reported', () => {
    expect(affordablePageSize(customersCost, 249, undefined)).toBe(249);
  });
});

interface Sent {
  readonly first: number;
  readonly requested: number;
  /** Milliseconds the port paced before sending. */
  readonly waitedMs: number;
}

/**
 * A store behind Shopify's leaky bucket on a fake clock: requested cost taken up front (THROTTLED
 * when it is not there), the unused part refunded. The port paces like the real client — waits
 * for the expected cost when it knows the bucket, waits and retries on THROTTLED — and reports
 * the bucket through `availableNow`. Each round trip takes `latencyMs`.
 */
function bucketShopify(options: {
  total: number;
  available: number;
  maximum: number;
  restoreRate?: number;
  latencyMs?: number;
  /** Actual cost a node, below the requested 4 like Shopify's for sparse customers. */
  actualPerNode?: number;
}) {
  const { total, maximum } = options;
  const rate = options.restoreRate ?? 100;
  const latency = options.latencyMs ?? 50;
  const actualPerNode = options.actualPerNode ?? 3.6;
  const nodes = Array.from({ length: total }, (_, i) => node(i + 1));
  let now = 0;
  let level = options.available;
  let levelAt = 0;
  let known: { available: number; at: number } | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let throttled = 0;
  let charged = 0;
  const sent: Sent[] = [];

  const bucketAt = (t: number) => Math.min(maximum, level + ((t - levelAt) * rate) / 1000);
  const settleBucket = () => {
    level = bucketAt(now);
    levelAt = now;
  };
  const estimate = (): BucketEstimate | undefined =>
    known && {
      available: Math.floor(Math.min(maximum, known.available + ((now - known.at) * rate) / 1000)),
      maximum,
    };
  const pace = (cost: number): number => {
    const bucket = estimate();
    const missing = bucket ? Math.min(cost, maximum) - bucket.available : 0;
    const ms = missing > 0 ? Math.ceil((missing / rate) * 1000) : 0;
    now += ms;
    return ms;
  };

  const graphql: ShopifyGraphql = {
    availableNow: estimate,
    async query<T>(
      _doc: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
      queryOptions?: { expectedCost?: number },
    ): Promise<GraphqlResult<T>> {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        const { first, after } = variables as { first: number; after: string | null };
        const requested = 2 + 4 * first;
        let waitedMs = pace(queryOptions?.expectedCost ?? 0);
        for (;;) {
          await Promise.resolve();
          now += latency / 2;
          settleBucket();
          if (requested <= level) break;
          throttled += 1;
          known = { available: Math.floor(level), at: now };
          now += latency / 2;
          waitedMs += pace(requested + 1);
        }
        sent.push({ first, requested, waitedMs });
        const start = after ? Number(after) : 0;
        const page = nodes.slice(start, start + first);
        const actual = 2 + Math.ceil(actualPerNode * page.length);
        level -= actual;
        charged += actual;
        known = { available: Math.floor(level), at: now };
        now += latency / 2;
        return {
          data: schema.parse({
            customers: {
              nodes: page,
              pageInfo: { hasNextPage: start + first < total, endCursor: String(start + page.length) },
            },
          }),
          cost: {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: {
              maximumAvailable: maximum,
              currentlyAvailable: Math.floor(level),
              restoreRate: rate,
            },
          },
          stats: { ...emptyCallStats, costUsed: actual },
        };
      } finally {
        inFlight -= 1;
      }
    },
  };
  return {
    graphql,
    sent,
    nodes,
    now: () => now,
    charged: () => charged,
    throttled: () => throttled,
    maxInFlight: () => maxInFlight,
    unusedAtEnd: () => Math.floor(bucketAt(now)),
  };
}

const syncWith = async (shop: ReturnType<typeof bucketShopify>, progress: ResourceStep) => {
  const written: string[] = [];
  const result = await syncResource({
    definition: customersResource,
    graphql: shop.graphql,
    writer: {
      async upsertMany(records: readonly CustomerRecord[]) {
        written.push(...records.map((r) => r.shopifyId));
        return { written: records.length, stale: 0, redacted: 0 };
      },
    },
    owner,
    progress,
    logger: silentLogger,
    saveProgress: async () => {},
    shouldPause: () => false,
  });
  return { result, written };
};

/** A run that already paged once: the client knows the bucket, the page size is learned. */
const afterOnePage = (shop: ReturnType<typeof bucketShopify>) =>
  syncWith(shop, { resource: initialResourceProgress(null, 1), calls: zeroCallCounters });

describe('syncResource sizing pages to the bucket', () => {
  it('with a drained bucket asks for a small page the points pay for, not a wait for a full one', async () => {
    const shop = bucketShopify({ total: 300, available: 6 + 202, maximum: 2000, latencyMs: 0 });
    await afterOnePage(shop); // 1 customer (6 points), then 202 points left → 50 customers
    expect(shop.sent[1]).toEqual({ first: 50, requested: 202, waitedMs: 0 });
    expect(shop.throttled()).toBe(0);
  });

  it('with a full bucket asks for the largest page', async () => {
    const shop = bucketShopify({ total: 600, available: 2000, maximum: 2000 });
    await afterOnePage(shop);
    // The first page taught the client 4 a node: 249 customers fit the 1000-point query cap.
    expect(shop.sent.slice(1, 3).map((s) => s.first)).toEqual([249, 249]);
    expect(shop.throttled()).toBe(0);
  });

  it('sends the last page with what is there instead of waiting for points it will not use', async () => {
    // 7 customers: the second page is the last (6 left) and 300 points are there, not a full page's 998.
    const shop = bucketShopify({ total: 7, available: 6 + 300, maximum: 2000, latencyMs: 0 });
    const { result, written } = await afterOnePage(shop);
    expect(result.outcome).toBe('completed');
    expect(written).toHaveLength(7);
    expect(shop.sent[1]).toEqual({ first: 74, requested: 298, waitedMs: 0 });
  });

  it('never asks for more than the bucket can hold, however long the run', async () => {
    const shop = bucketShopify({ total: 1000, available: 402, maximum: 402 });
    const { written } = await afterOnePage(shop);
    expect(written).toHaveLength(1000);
    expect(Math.max(...shop.sent.map((s) => s.requested))).toBeLessThanOrEqual(402);
    expect(shop.throttled()).toBe(0);
  });

  it('a drained-bucket sync spends points as fast as they restore, one call at a time, THROTTLED at most once', async () => {
    const shop = bucketShopify({ total: 1500, available: 0, maximum: 2000, restoreRate: 100 });
    const { result, written } = await syncWith(shop, {
      resource: initialResourceProgress(null, customersResource.initialPageSize),
      calls: zeroCallCounters,
    });
    expect(result.outcome).toBe('completed');
    expect(written).toHaveLength(1500);
    expect(shop.throttled()).toBeLessThanOrEqual(1); // the first call, before any bucket was reported
    expect(shop.maxInFlight()).toBe(1);
    // Points charged per (fake-clock) second against the restore rate: a full-page wait at the
    // end would leave ~1000 points unspent (~0.85 here); spending what is there leaves little.
    const efficiency = shop.charged() / ((shop.now() / 1000) * 100);
    expect(efficiency).toBeGreaterThanOrEqual(0.97);
    expect(shop.unusedAtEnd()).toBeLessThan(2 + 4 * 24); // less than the smallest page's cost
  });
});
