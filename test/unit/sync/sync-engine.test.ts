import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { fanOut } from '../../../lambdas/core/sync/fan-out.js';
import type { GraphqlResult, ShopifyGraphql } from '../../../lambdas/shopify/graphql.js';
import { emptyCallStats } from '../../../lambdas/shopify/graphql.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { initialResourceProgress, zeroCallCounters } from '../../../lambdas/core/sync/progress.js';
import type { ResourceStep } from '../../../lambdas/core/sync/progress.js';
import {
  adaptPageSize,
  SliceCannotAdvanceError,
  syncResource,
} from '../../../lambdas/core/sync/sync-engine.js';
import { newRunId, runIdForMessage } from '../../../lambdas/core/sync/sync-run.js';
import { customerNode, owner } from './fixtures.js';

const node = customerNode;

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

const start = (pageSize = 50): ResourceStep => ({
  resource: initialResourceProgress(null, pageSize),
  calls: zeroCallCounters,
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
    const saved: ResourceStep[] = [];
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
    // 50 → 202 points, 4 a node once the query's 2 are taken out → 249 = 998 points: always ≤ 1000.
    expect(calls.map((c) => c.first)).toEqual([50, 249, 249, 249]);
    expect(written.map((r) => r.shopifyId)).toEqual(nodes.map((n) => n.id.split('/').pop()));
    expect(saved).toHaveLength(calls.length); // a checkpoint after every page
    expect(result.progress.resource).toMatchObject({
      status: 'completed',
      pages: calls.length,
      seen: 600,
      written: 600,
    });
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
    const { graphql } = fakeShopify(nodes);
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
    expect(result.progress.resource.invalid).toBe(1);
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

/** Settles on demand: lets a test hold a page's fetch or writes in flight. */
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** Lets every pending promise chain run, so an in-flight step reaches its next await. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A store served in pages of `pageSize` whose fetches and writes are recorded in one log, with
 * hooks to hold or fail the fetch of a page (1-based) or the writes of a page.
 */
function recordingSync(total: number, pageSize: number) {
  const nodes = Array.from({ length: total }, (_, i) =>
    node(i + 1, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()),
  );
  const log: string[] = [];
  const written: string[] = [];
  const saved: ResourceStep[] = [];
  const expectedCosts: (number | undefined)[] = [];
  const fetchHooks = new Map<number, () => Promise<void>>();
  const writeHooks = new Map<number, () => Promise<void>>();
  let inFlight = 0;
  let maxInFlight = 0;
  let fetches = 0;
  let writes = 0;

  const graphql: ShopifyGraphql = {
    async query<T>(
      _doc: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
      options?: { expectedCost?: number },
    ): Promise<GraphqlResult<T>> {
      const { first, after } = variables as { first: number; after: string | null };
      const pageNo = ++fetches;
      log.push(`fetch ${pageNo}`);
      expectedCosts.push(options?.expectedCost);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        await fetchHooks.get(pageNo)?.();
      } finally {
        inFlight -= 1;
      }
      const startAt = after ? Number(after) : 0;
      const page = nodes.slice(startAt, startAt + first);
      return {
        data: schema.parse({
          customers: {
            nodes: page,
            pageInfo: { hasNextPage: startAt + first < total, endCursor: String(startAt + page.length) },
          },
        }),
        cost: {
          requestedQueryCost: 2 + 4 * first,
          actualQueryCost: 2 + 4 * page.length,
          // A full bucket: this fake does not model spending it (see pacedShopify below).
          throttleStatus: {
            maximumAvailable: 4 * pageSize + 2,
            currentlyAvailable: 4 * pageSize + 2,
            restoreRate: 100,
          },
        },
        stats: { ...emptyCallStats, costUsed: 2 + 4 * page.length },
      };
    },
  };
  const writer = {
    async upsertMany(records: readonly CustomerRecord[]) {
      const pageNo = ++writes;
      log.push(`writing ${pageNo}`);
      await settle(); // writes take time: the fetch ahead runs meanwhile
      await writeHooks.get(pageNo)?.();
      written.push(...records.map((r) => r.shopifyId));
      log.push(`written ${pageNo}`);
      return { written: records.length, stale: 0, redacted: 0 };
    },
  };
  const input = (progress: ResourceStep, shouldPause: () => boolean = () => false) => ({
    definition: customersResource,
    graphql,
    writer,
    owner,
    progress,
    logger: silentLogger,
    shouldPause,
    saveProgress: async (p: ResourceStep) => {
      // The checkpoint never runs ahead of the writes: everything before its cursor is stored.
      expect(written).toHaveLength(p.resource.checkpoint.sliceObjects);
      saved.push(p);
      log.push(`saved ${p.resource.checkpoint.cursor}`);
    },
  });
  return {
    nodes,
    log,
    written,
    saved,
    expectedCosts,
    fetchHooks,
    writeHooks,
    input,
    maxInFlight: () => maxInFlight,
  };
}

describe('syncResource fetching ahead', () => {
  it('fetches the next page while writing the current one, starts its writes before the last page’s are done, and checkpoints a page only after its writes', async () => {
    const sync = recordingSync(30, 10);
    const result = await syncResource(sync.input(start(10)));

    expect(result.outcome).toBe('completed');
    expect(sync.log).toEqual([
      'fetch 1',
      'fetch 2', // while page 1 is written
      'writing 1',
      'fetch 3',
      'writing 2', // page 1's writes still in flight: no drain at a page end
      'written 1',
      'saved 10',
      'writing 3', // the last page: nothing left to fetch
      'written 2',
      'saved 20',
      'written 3',
      'saved 30',
    ]);
    expect(sync.written).toEqual(sync.nodes.map((n) => n.id.split('/').pop()));
    expect(sync.maxInFlight()).toBe(1); // one GraphQL call at a time: the client's pacing still holds
  });

  it('asks the client to wait for each fetch’s cost, the declared one before Shopify reports any', async () => {
    const sync = recordingSync(289, 20); // an 82-point bucket: 20 customers a page
    await syncResource(sync.input(start(customersResource.initialPageSize)));
    // The declared 2 + 4 × 249; then 2 + 20 × 4 (the observed cost a node): never past the bucket.
    expect(sync.expectedCosts).toEqual([998, 82, 82]);
  });

  it('a write failing while the next page is being fetched loses nothing: the redelivery resumes from the last checkpoint', async () => {
    const sync = recordingSync(40, 10);
    const fetch3 = deferred<void>();
    sync.fetchHooks.set(3, () => fetch3.promise);
    sync.writeHooks.set(2, async () => {
      throw new Error('worker killed');
    });

    await expect(syncResource(sync.input(start(10)))).rejects.toThrow('worker killed');
    expect(sync.log).toContain('fetch 3'); // page 3 was in flight
    expect(sync.log.slice(-2)).toEqual(['written 1', 'saved 10']); // page 2 never checkpointed
    fetch3.reject(new Error('connection reset')); // the dropped fetch fails later: no unhandled rejection
    await settle();

    sync.writeHooks.clear();
    sync.fetchHooks.clear();
    const resumed = await syncResource(sync.input(sync.saved.at(-1)!));
    expect(resumed.outcome).toBe('completed');
    const ids = sync.nodes.map((n) => n.id.split('/').pop());
    expect(new Set(sync.written)).toEqual(new Set(ids)); // every customer stored
    expect(sync.written.slice(0, 10)).toEqual(ids.slice(0, 10)); // page 1 once: it was checkpointed
  });

  it('a failed fetch ahead surfaces only after the page being written is stored and checkpointed', async () => {
    const sync = recordingSync(30, 10);
    sync.fetchHooks.set(2, async () => {
      throw new Error('Shopify unavailable');
    });
    await expect(syncResource(sync.input(start(10)))).rejects.toThrow('Shopify unavailable');
    expect(sync.log).toEqual(['fetch 1', 'fetch 2', 'writing 1', 'written 1', 'saved 10']);
    expect(sync.saved.map((p) => p.resource.checkpoint.cursor)).toEqual(['10']);
  });

  it('pausing with a fetch in flight returns the last checkpoint at once and drops that page', async () => {
    const sync = recordingSync(30, 10);
    const fetch2 = deferred<void>();
    sync.fetchHooks.set(2, () => fetch2.promise);
    const paused = await syncResource(sync.input(start(10), () => sync.saved.length > 0));

    expect(paused.outcome).toBe('paused');
    expect(paused.progress).toEqual(sync.saved[0]);
    expect(sync.log).toEqual(['fetch 1', 'fetch 2', 'writing 1', 'written 1', 'saved 10']); // not waiting for page 2
    fetch2.resolve();
    await settle();
    expect(sync.written).toHaveLength(10); // the dropped page was never written

    const resumed = await syncResource(sync.input(paused.progress));
    expect(resumed.outcome).toBe('completed');
    expect(sync.written).toEqual(sync.nodes.map((n) => n.id.split('/').pop())); // each exactly once
  });

  it('saves a page’s checkpoint while the next page is written, one save at a time, in page order', async () => {
    const sync = recordingSync(30, 10);
    const base = sync.input(start(10));
    // Page 1's save finishes only once page 2 is being written: an engine that waited for the
    // save before writing on would never get there.
    const save1 = deferred<void>();
    sync.writeHooks.set(2, async () => save1.resolve());
    const saving: string[] = [];
    const result = await syncResource({
      ...base,
      saveProgress: async (p) => {
        const cursor = String(p.resource.checkpoint.cursor);
        saving.push(`start ${cursor}`);
        await base.saveProgress(p); // the checkpoint never runs ahead of its own page's writes
        if (cursor === '10') await save1.promise;
        saving.push(`end ${cursor}`);
      },
    });

    expect(result.outcome).toBe('completed');
    expect(saving).toEqual(['start 10', 'end 10', 'start 20', 'end 20', 'start 30', 'end 30']);
    expect(sync.written).toEqual(sync.nodes.map((n) => n.id.split('/').pop()));
  });

  it('a failed save (e.g. the lease lost) stops the sync after at most one more page', async () => {
    const sync = recordingSync(40, 10);
    const base = sync.input(start(10));
    await expect(
      syncResource({
        ...base,
        saveProgress: async (p) => {
          await base.saveProgress(p);
          if (p.resource.checkpoint.cursor === '10') throw new Error('lease lost');
        },
      }),
    ).rejects.toThrow('lease lost');
    expect(sync.written).toHaveLength(20);
    expect(sync.saved.map((p) => p.resource.checkpoint.cursor)).toEqual(['10']);
  });

  it('does not fetch ahead when the invocation is already due to pause', async () => {
    const sync = recordingSync(30, 10);
    const paused = await syncResource(sync.input(start(10), () => true));
    expect(paused.outcome).toBe('paused');
    expect(sync.log).toEqual(['fetch 1', 'writing 1', 'written 1', 'saved 10']);
  });
});
