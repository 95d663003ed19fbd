import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { CustomerRecord } from '../../../lambdas/core/customers/customer-record.js';
import { customersResource } from '../../../lambdas/core/resources/customers.js';
import { fanOut } from '../../../lambdas/core/sync/fan-out.js';
import type { GraphqlResult, ShopifyGraphql } from '../../../lambdas/core/sync/ports.js';
import { emptyCallStats, silentLogger } from '../../../lambdas/core/sync/ports.js';
import { initialCheckpoint, type SyncProgress, zeroCounters } from '../../../lambdas/core/sync/progress.js';
import {
  adaptPageSize,
  SliceCannotAdvanceError,
  syncResource,
} from '../../../lambdas/core/sync/sync-engine.js';
import { newRunId, runIdForMessage } from '../../../lambdas/core/sync/sync-run.js';

const owner = { organizationId: 'org', integrationId: 'int', shopDomain: 's.myshopify.com' };

const node = (id: number, updatedAt: string) => ({
  id: `gid://shopify/Customer/${id}`,
  firstName: 'A',
  lastName: null,
  defaultEmailAddress: null,
  defaultPhoneNumber: null,
  state: 'ENABLED',
  verifiedEmail: true,
  taxExempt: false,
  taxExemptions: [],
  note: '',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt,
  defaultAddress: null,
});

/** A store of nodes sorted by updatedAt that serves `updated_at:>=` slices and cursor pages, capped like Shopify. */
function fakeShopify(nodes: ReturnType<typeof node>[], cap = 25_000) {
  const calls: { first: number; after: string | null; query: string | null }[] = [];
  const graphql: ShopifyGraphql = {
    async query<T>(
      _doc: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
    ): Promise<GraphqlResult<T>> {
      const { first, after, query } = variables as {
        first: number;
        after: string | null;
        query: string | null;
      };
      calls.push({ first, after, query });
      const from = query ? /'(.+)'/.exec(query)![1]! : '';
      const slice = nodes.filter((n) => n.updatedAt >= from);
      const start = after ? Number(after) : 0;
      if (start + first > cap) throw new Error('PAGINATION_LIMIT_EXCEEDED');
      const page = slice.slice(start, start + first);
      const data = {
        customers: {
          nodes: page,
          pageInfo: { hasNextPage: start + first < slice.length, endCursor: String(start + page.length) },
        },
      };
      return {
        data: schema.parse(data),
        cost: {
          requestedQueryCost: 2 + 4 * first,
          actualQueryCost: 2 + page.length,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1500, restoreRate: 100 },
        },
        stats: { ...emptyCallStats, costUsed: 2 + page.length },
      };
    },
  };
  return { graphql, calls };
}

const collectingWriter = () => {
  const written: CustomerRecord[] = [];
  return {
    written,
    writer: {
      async upsertMany(records: readonly CustomerRecord[]) {
        written.push(...records);
        return { written: records.length, stale: 0, redacted: 0 };
      },
    },
  };
};

const start = (pageSize = 50): SyncProgress => ({
  counters: zeroCounters,
  checkpoint: initialCheckpoint('customers', null, pageSize),
});

describe('syncResource', () => {
  it('adapts the page size to the observed cost per node, within 1000 points and the bucket', async () => {
    expect(adaptPageSize(4.04, 2000)).toBe(247);
    expect(adaptPageSize(4, 100)).toBe(25); // a tiny bucket: pages that fit it
    expect(adaptPageSize(0.5, 20_000)).toBe(250); // Shopify's cap on `first`
    expect(adaptPageSize(5000, 2000)).toBe(1);

    const nodes = Array.from({ length: 600 }, (_, i) =>
      node(i + 1, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const { graphql, calls } = fakeShopify(nodes);
    const { writer, written } = collectingWriter();
    const saved: SyncProgress[] = [];
    const result = await syncResource({
      definition: customersResource,
      graphql,
      writer,
      owner,
      progress: start(),
      logger: silentLogger,
      saveProgress: async (p) => void saved.push(p),
      shouldPause: () => false,
    });
    expect(result.outcome).toBe('completed');
    // 50 → 202 points (4.04/node) → 247 → 990 points (4.008/node) → 249 = 998 points: always ≤ 1000.
    expect(calls.map((c) => c.first)).toEqual([50, 247, 249, 249]);
    expect(written.map((r) => r.shopifyId)).toEqual(nodes.map((n) => n.id.split('/').pop()));
    expect(saved).toHaveLength(calls.length); // a checkpoint after every page
    expect(result.progress.counters).toMatchObject({ pages: calls.length, customersSeen: 600, written: 600 });
  });

  it('restarts the query at the last updatedAt seen before the pagination cap, skipping ids already written', async () => {
    // Pairs of customers share a second, so slice boundaries fall inside a tie.
    const nodes = Array.from({ length: 100 }, (_, i) =>
      node(i + 1, new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 2))).toISOString()),
    );
    const { graphql, calls } = fakeShopify(nodes, 15);
    const { writer, written } = collectingWriter();
    await syncResource({
      definition: customersResource,
      graphql,
      writer,
      owner,
      progress: start(10),
      logger: silentLogger,
      saveProgress: async () => {},
      shouldPause: () => false,
      maxObjectsPerQuery: 15,
    });
    expect(written.map((r) => Number(r.shopifyId))).toEqual(nodes.map((_, i) => i + 1)); // each once, in order
    expect(calls.some((c) => c.query?.startsWith("updated_at:>='2026-01-01T00:00:0"))).toBe(true);
  });

  it('fails loudly instead of looping when more records than the cap share one updatedAt', async () => {
    const nodes = Array.from({ length: 40 }, (_, i) => node(i + 1, '2026-01-01T00:00:00.000Z'));
    const { graphql } = fakeShopify(nodes, 15);
    await expect(
      syncResource({
        definition: customersResource,
        graphql,
        writer: collectingWriter().writer,
        owner,
        progress: start(10),
        logger: silentLogger,
        saveProgress: async () => {},
        shouldPause: () => false,
        maxObjectsPerQuery: 15,
      }),
    ).rejects.toBeInstanceOf(SliceCannotAdvanceError);
  });

  it('pauses only after at least one page, and resumes from the returned checkpoint', async () => {
    const nodes = Array.from({ length: 120 }, (_, i) =>
      node(i + 1, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
    );
    const { graphql, calls } = fakeShopify(nodes);
    const { writer, written } = collectingWriter();
    const input = {
      definition: customersResource,
      graphql,
      writer,
      owner,
      logger: silentLogger,
      saveProgress: async () => {},
      shouldPause: () => true,
    };
    const first = await syncResource({ ...input, progress: start() });
    expect(first.outcome).toBe('paused');
    expect(calls).toHaveLength(1);
    const second = await syncResource({ ...input, progress: first.progress, shouldPause: () => false });
    expect(second.outcome).toBe('completed');
    expect(written).toHaveLength(120);
  });

  it('skips a malformed node without blocking the rest of the page', async () => {
    const nodes = [
      node(1, '2026-01-01T00:00:01Z'),
      { ...node(2, '2026-01-01T00:00:02Z'), state: 'WEIRD' },
      node(3, '2026-01-01T00:00:03Z'),
    ];
    const { graphql } = fakeShopify(nodes as ReturnType<typeof node>[]);
    const { writer, written } = collectingWriter();
    const result = await syncResource({
      definition: customersResource,
      graphql,
      writer,
      owner,
      progress: start(),
      logger: silentLogger,
      saveProgress: async () => {},
      shouldPause: () => false,
    });
    expect(written.map((r) => r.shopifyId)).toEqual(['1', '3']);
    expect(result.progress.counters.invalid).toBe(1);
  });
});

describe('fanOut', () => {
  it('enqueues the valid items of every page and counts a malformed one without stopping', async () => {
    const sent: string[] = [];
    const summary = await fanOut({
      due: {
        async *pages() {
          yield [{ integrationId: 'a' }, { integrationId: 42 }];
          yield [{ integrationId: 'b' }];
        },
      },
      queue: {
        async send(messages) {
          sent.push(...messages.map((m) => m.integrationId));
          return { sent: messages.length, failed: [] };
        },
      },
      now: Date.parse('2026-01-01T01:00:00Z'),
      minSyncIntervalMinutes: 30,
      logger: silentLogger,
    });
    expect(sent).toEqual(['a', 'b']);
    expect(summary).toEqual({
      cutoff: '2026-01-01T00:30:00.000Z',
      due: 2,
      enqueued: 2,
      failed: 0,
      invalid: 1,
    });
  });
});

describe('run ids', () => {
  it('sort by creation time and are stable per queue message', () => {
    expect(newRunId(Date.UTC(2026, 0, 1)) < newRunId(Date.UTC(2026, 0, 2))).toBe(true);
    expect(runIdForMessage(1_700_000_000_000, 'm-1')).toBe(runIdForMessage(1_700_000_000_000, 'm-1'));
    expect(runIdForMessage(1_700_000_000_000, 'm-1')).not.toBe(runIdForMessage(1_700_000_000_000, 'm-2'));
    expect(newRunId(Date.now())).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
