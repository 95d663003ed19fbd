import * as z from 'zod';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type {
  RecordOwner,
  RecordWriter,
  ResourceDefinition,
  WriteCounts,
} from '../../resources/kit/definition.js';
import {
  MAX_PAGE_SIZE,
  MAX_QUERY_COST,
  type PageCost,
  requestedCostOf,
} from '../../resources/kit/query-cost.js';
import type {
  BucketEstimate,
  GraphqlCallStats,
  GraphqlResult,
  ShopifyGraphql,
} from '../../shopify/graphql.js';
import type { Logger } from '../logger.js';
import { PageWrites } from './page-writes.js';
import { addCallStats, type CallCounters, type ResourceProgress, type SyncCheckpoint } from './progress.js';

export { MAX_PAGE_SIZE, MAX_QUERY_COST } from '../../resources/kit/query-cost.js';
/** Shopify stops cursor pagination after this many objects per query. */
export const MAX_OBJECTS_PER_QUERY = 25_000;

export interface ResourceSyncInput<TNode, TRecord extends MirroredRecord> {
  readonly definition: ResourceDefinition<TNode, TRecord>;
  readonly graphql: ShopifyGraphql;
  readonly writer: RecordWriter<TRecord>;
  readonly owner: RecordOwner;
  readonly progress: ResourceStep;
  /** Persists the checkpoint; called after each page's writes, never before. */
  readonly saveProgress: (progress: ResourceStep) => Promise<void>;
  /**
   * True when the invocation should stop after the current page (Lambda time running out). Also
   * asked before fetching ahead, so a run about to pause does not spend points on a page it drops.
   */
  readonly shouldPause: () => boolean;
  readonly writeConcurrency?: number;
  readonly maxObjectsPerQuery?: number;
  readonly logger: Logger;
}

/** One resource's progress and the run's call costs, which every resource adds to. */
export interface ResourceStep {
  readonly resource: ResourceProgress;
  readonly calls: CallCounters;
}

export type ResourceSyncResult =
  | { readonly outcome: 'completed'; readonly progress: ResourceStep }
  | {
      readonly outcome: 'paused';
      readonly progress: ResourceStep;
      /**
       * Paused to wait for a bulk operation Shopify is still running, not for lack of time: the
       * continuation waits too (BULK_OPERATIONS_FINISH wakes it, a delayed poll is the fallback).
       */
      readonly waitingForOperation?: string;
    };

export class SliceCannotAdvanceError extends Error {
  constructor(limit: number, at: string) {
    super(`More than ${limit} records share updatedAt ${at}; the time-sliced cursor cannot advance`);
    this.name = 'SliceCannotAdvanceError';
  }
}

const connectionSchema = z.object({
  nodes: z.array(z.unknown()),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

/** Page size whose requested cost fits both Shopify's per-query cap and the shop's bucket. */
export const adaptPageSize = (costPerNode: number, bucketMaximum: number, perQuery = 0): number => {
  const budget = Math.min(MAX_QUERY_COST, bucketMaximum) - perQuery;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(budget / Math.max(costPerNode, Number.EPSILON))));
};

/**
 * Below this share of the largest page a request is not worth a round trip: the client waits
 * for the points of a page this size instead.
 */
export const MIN_PAGE_SHARE = 0.1;

/**
 * The page to request now: as many nodes as the bucket can pay for at once (up to `largestPage`
 * and never more than the bucket can ever hold), or, when even the smallest sensible page does
 * not fit, that page, which the client then waits for. Spending what is there, instead of
 * waiting for a full page, loses nothing: points restored meanwhile stay in the bucket for the
 * next page; and the last page never waits for points its few remaining nodes will not use.
 * Without an estimate (no response yet) the largest page goes out.
 */
export const affordablePageSize = (
  cost: PageCost,
  largestPage: number,
  bucket: BucketEstimate | undefined,
): number => {
  if (!bucket) return largestPage;
  const perNode = Math.max(cost.perNode, Number.EPSILON);
  const nodesWithin = (points: number) => Math.floor((points - cost.perQuery) / perNode);
  const maxPage = Math.max(1, Math.min(largestPage, nodesWithin(bucket.maximum)));
  const minPage = Math.max(1, Math.floor(maxPage * MIN_PAGE_SHARE));
  return Math.min(maxPage, Math.max(minPage, nodesWithin(bucket.available)));
};

type Connection = z.infer<typeof connectionSchema>;

/** One fetched page and the checkpoint it was requested from (after any slice restart). */
interface FetchedPage {
  readonly from: SyncCheckpoint;
  readonly first: number;
  readonly result: GraphqlResult<unknown>;
  readonly connection: Connection;
}

/**
 * Mirrors one resource of one store: cursor pages sorted by update time, each page mapped and
 * written with the conditional (newest-wins) write, then checkpointed. Returns `paused` when
 * asked to stop so the caller can continue in a fresh invocation from the saved checkpoint.
 *
 * The next page is fetched while the current one is written: a fetch needs only the previous
 * page's cursor, and the GraphQL calls stay one at a time, so the client's bucket pacing holds.
 * A checkpoint is still saved only after its own page's writes, and a failed fetch ahead
 * surfaces only after the page before it is written and saved. A fetch ahead that is no longer
 * wanted (pause, failed write or save) is dropped: its points are spent, its page is re-read by
 * whoever resumes from the checkpoint.
 */
export async function syncResource<TNode, TRecord extends MirroredRecord>(
  input: ResourceSyncInput<TNode, TRecord>,
): Promise<ResourceSyncResult> {
  const { definition, graphql, writer, owner, logger } = input;
  const limit = input.maxObjectsPerQuery ?? MAX_OBJECTS_PER_QUERY;
  const dataSchema = z.object({ [definition.connectionField]: connectionSchema });
  let { calls } = input.progress;
  let resource: ResourceProgress = { ...input.progress.resource, status: 'syncing' };
  let { checkpoint } = resource;
  // The bucket as the last result reported it, for a client that offers no estimate of its own.
  let lastReported: BucketEstimate | undefined;

  const fetchPage = async (after: SyncCheckpoint): Promise<FetchedPage> => {
    const from = after.sliceObjects >= limit ? nextSlice(after, limit) : after;
    // Until Shopify reports a cost, the declared one sizes the page and lets the client wait first.
    const cost: PageCost =
      from.costPerNode === null
        ? definition.pageCost
        : { perQuery: definition.pageCost.perQuery, perNode: from.costPerNode };
    // Sized when issued (a fetch ahead too), from the estimate of that moment.
    const bucket = graphql.availableNow ? graphql.availableNow() : lastReported;
    const first = Math.min(affordablePageSize(cost, from.pageSize, bucket), limit - from.sliceObjects);
    const variables = {
      first,
      after: from.cursor,
      query: from.sliceFrom === null ? null : definition.updatedSince(from.sliceFrom),
    };
    const expectedCost = Math.ceil(requestedCostOf(cost, first));
    const result = await graphql.query(definition.document, variables, dataSchema, { expectedCost });
    const connection = (result.data as Record<string, Connection>)[definition.connectionField]!;
    return { from, first, result, connection };
  };
  // The rejection of a fetch ahead is observed when (if) it is awaited; a dropped one must not
  // become an unhandled rejection.
  const startFetch = (after: SyncCheckpoint): Promise<FetchedPage> => {
    const fetching = fetchPage(after);
    fetching.catch(() => {});
    return fetching;
  };

  // The first page is always fetched: an invocation that cannot finish one page must not loop forever.
  let fetching = startFetch(checkpoint);
  // A page's writes start while the previous page's last ones are in flight (PageWrites), so at
  // most two pages are being written. A page is settled (tallied, then checkpointed) once its
  // own writes are done, oldest first.
  const writes = new PageWrites(writer, input.writeConcurrency ?? 16);
  const unsettled: WrittenPage[] = [];
  // A page's checkpoint save (and lease renewal) runs while later pages are written: two round
  // trips per page would otherwise idle the writes. Saves stay in order, each after its own
  // page's writes.
  let saving: Promise<void> = Promise.resolve();
  const startSave = (step: ResourceStep): Promise<void> => {
    const saved = input.saveProgress(step);
    saved.catch(() => {});
    return saved;
  };
  const settleOldest = async (): Promise<void> => {
    const page = unsettled.shift()!;
    const outcomes = await page.writing;
    calls = page.stats.reduce(addCallStats, calls);
    checkpoint = page.checkpoint;
    resource = { ...tally(resource, page.seen, page.invalid, outcomes), checkpoint };
    if (page.last) resource = { ...resource, status: 'completed' };
    await saving;
    saving = startSave({ resource, calls });
  };
  const finish = async (outcome: ResourceSyncResult['outcome']): Promise<ResourceSyncResult> => {
    while (unsettled.length > 0) await settleOldest();
    await saving;
    return { outcome, progress: { resource, calls } };
  };
  /**
   * The page being fetched, or undefined to pause. A page still being written settles as soon as
   * its writes are done, even before the fetch returns: a pause is then taken at once instead of
   * after a fetch that may be waiting for points, and a failed fetch surfaces only after the
   * pages before it are stored and checkpointed.
   */
  const nextPage = async (): Promise<FetchedPage | undefined> => {
    const fetched = fetching.then(
      (page) => ({ page }),
      (error: unknown) => ({ error }),
    );
    for (;;) {
      const oldest = unsettled[0];
      const first = oldest
        ? await Promise.race([fetched, oldest.writing.then(noFetchYet, noFetchYet)])
        : await fetched;
      if (first === FETCH_PENDING) {
        await settleOldest();
        if (input.shouldPause()) return undefined;
      } else if ('error' in first) {
        while (unsettled.length > 0) await settleOldest();
        await saving;
        throw first.error;
      } else {
        return first.page;
      }
    }
  };
  try {
    for (;;) {
      const fetchedPage = await nextPage();
      if (!fetchedPage) return await finish('paused');
      const { from, first, result, connection } = fetchedPage;
      // Nested pages (an order's line items past the first page) are fetched here, before the
      // fetch ahead starts, so GraphQL calls stay one at a time.
      const nested: GraphqlCallStats[] = [];
      const page = await mapPage(
        definition,
        connection.nodes,
        from,
        owner,
        logger,
        countingGraphql(graphql, nested),
      );
      // Per node, the query's own cost taken out: small pages would otherwise overstate it.
      const costPerNode = result.cost
        ? Math.max(0, result.cost.requestedQueryCost - definition.pageCost.perQuery) / Math.max(1, first)
        : from.costPerNode;
      if (result.cost) {
        const { currentlyAvailable, maximumAvailable } = result.cost.throttleStatus;
        lastReported = { available: currentlyAvailable, maximum: maximumAvailable };
      }
      const written: SyncCheckpoint = {
        ...from,
        cursor: connection.pageInfo.endCursor,
        sliceObjects: from.sliceObjects + connection.nodes.length,
        lastSeenUpdatedAt: page.lastSeenUpdatedAt,
        boundaryIds: page.boundaryIds,
        costPerNode,
        pageSize:
          costPerNode !== null && result.cost
            ? adaptPageSize(
                costPerNode,
                result.cost.throttleStatus.maximumAvailable,
                definition.pageCost.perQuery,
              )
            : from.pageSize,
      };
      // hasNextPage=false ends the run only on a slice that stayed below the object limit: at the
      // limit Shopify may end a listing silently instead of erroring, so a full slice always goes
      // on with a new slice from the last updatedAt seen (the next fetch starts it).
      const done = !connection.pageInfo.hasNextPage && written.sliceObjects < limit;
      const ahead = done || input.shouldPause() ? undefined : startFetch(written);

      // The last save (usually long done: it began a page of writes ago) must have landed before
      // more writes go out: a lost lease stops the sync after at most one more page.
      await saving;
      unsettled.push({
        writing: writes.start(page.records),
        checkpoint: written,
        seen: connection.nodes.length,
        invalid: page.invalid,
        stats: [result.stats, ...nested],
        last: done,
      });
      if (done) return await finish('completed');
      // The previous page settles while this one is written.
      if (unsettled.length > 1) await settleOldest();
      if (!ahead || input.shouldPause()) return await finish('paused');
      fetching = ahead;
    }
  } catch (error) {
    // Writes and a checkpoint in flight land (or fail) before the caller handles the failure.
    await writes.abandon();
    await saving.catch(() => {});
    throw error;
  }
}

const FETCH_PENDING: unique symbol = Symbol('fetch pending');
const noFetchYet = (): typeof FETCH_PENDING => FETCH_PENDING;

/** A page whose writes were started and whose checkpoint waits for them. */
interface WrittenPage {
  readonly writing: Promise<WriteCounts>;
  readonly checkpoint: SyncCheckpoint;
  readonly seen: number;
  readonly invalid: number;
  readonly stats: readonly GraphqlCallStats[];
  /** The listing's last page: settling it completes the resource. */
  readonly last: boolean;
}

/** Restarts the query at the last update time seen, because Shopify will not page further. */
const nextSlice = (checkpoint: SyncCheckpoint, limit: number): SyncCheckpoint => {
  const from = checkpoint.lastSeenUpdatedAt;
  if (from === null || from === checkpoint.sliceFrom)
    throw new SliceCannotAdvanceError(limit, from ?? '(none)');
  return { ...checkpoint, sliceFrom: from, cursor: null, sliceObjects: 0 };
};

interface MappedPage<TRecord> {
  readonly records: TRecord[];
  readonly invalid: number;
  readonly lastSeenUpdatedAt: string | null;
  readonly boundaryIds: string[];
}

/** The same client, recording what each call cost (for the run's counters). */
const countingGraphql = (graphql: ShopifyGraphql, into: GraphqlCallStats[]): ShopifyGraphql => ({
  query: async (document, variables, schema, options) => {
    const result = await graphql.query(document, variables, schema, options);
    into.push(result.stats);
    return result;
  },
});

async function mapPage<TNode, TRecord extends MirroredRecord>(
  definition: ResourceDefinition<TNode, TRecord>,
  nodes: readonly unknown[],
  checkpoint: SyncCheckpoint,
  owner: RecordOwner,
  logger: Logger,
  graphql: ShopifyGraphql,
): Promise<MappedPage<TRecord>> {
  const records: TRecord[] = [];
  let invalid = 0;
  let lastSeen = checkpoint.lastSeenUpdatedAt;
  let boundary = new Set(checkpoint.boundaryIds);
  for (const raw of nodes) {
    const parsed = definition.nodeSchema.safeParse(raw);
    if (!parsed.success) {
      invalid += 1;
      // Ids and field paths only: never the record's data.
      logger.warn('Skipping a node that failed validation', {
        resource: definition.name,
        gid: typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined,
        issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.code}`),
      });
      continue;
    }
    const { id, updatedAt } = definition.identify(parsed.data);
    if (lastSeen !== null && updatedAt === lastSeen && boundary.has(id)) continue; // already written before the slice restart
    if (lastSeen === null || updatedAt > lastSeen) {
      lastSeen = updatedAt;
      boundary = new Set([id]);
    } else if (updatedAt === lastSeen) {
      boundary.add(id);
    }
    const node = definition.completeNode ? await definition.completeNode(parsed.data, graphql) : parsed.data;
    records.push(definition.toRecord(node, owner));
  }
  return { records, invalid, lastSeenUpdatedAt: lastSeen, boundaryIds: [...boundary] };
}

export const tally = (
  progress: ResourceProgress,
  seen: number,
  invalid: number,
  writes: WriteCounts,
): ResourceProgress => ({
  ...progress,
  pages: progress.pages + 1,
  seen: progress.seen + seen,
  invalid: progress.invalid + invalid,
  written: progress.written + writes.written,
  stale: progress.stale + writes.stale,
  redacted: progress.redacted + writes.redacted,
});
