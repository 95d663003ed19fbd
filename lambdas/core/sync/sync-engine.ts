import * as z from 'zod';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type {
  NodePage,
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
import { PagePipeline, type PageTally, parseNodes, seenOf, tally, toRecords } from './page-pipeline.js';
import {
  addCallStats,
  type CallCounters,
  type ResourceProgress,
  type ResourceStep,
  type ResourceSyncResult,
  type SyncCheckpoint,
} from './progress.js';

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

/** A page whose writes were started and whose checkpoint waits for them. */
interface WrittenPage extends PageTally {
  readonly checkpoint: SyncCheckpoint;
  readonly stats: readonly GraphqlCallStats[];
  /** The listing's last page: settling it completes the resource. */
  readonly last: boolean;
}

/**
 * Mirrors one resource of one store: cursor pages sorted by update time, each page run through
 * the page pipeline (parse, map, conditional newest-wins writes, checkpoint). Returns `paused`
 * when asked to stop so the caller can continue in a fresh invocation from the saved checkpoint.
 *
 * The next page is fetched while the current one is written: a fetch needs only the previous
 * page's cursor, and the GraphQL calls stay one at a time, so the client's bucket pacing holds.
 * A checkpoint is still saved only after its own page's writes, and a failed fetch ahead
 * surfaces only after the page before it is written and saved. A fetch ahead that is no longer
 * wanted (pause, failed write or save) is dropped: its points are spent, its page is re-read by
 * whoever resumes from the checkpoint.
 */
export const syncResource = <TNode, TRecord extends MirroredRecord>(
  input: ResourceSyncInput<TNode, TRecord>,
): Promise<ResourceSyncResult> => new PagedSync(input).run();

class PagedSync<TNode, TRecord extends MirroredRecord> {
  private readonly limit: number;
  private readonly dataSchema: z.ZodType;
  private readonly pipeline: PagePipeline<TRecord, WrittenPage>;
  private resource: ResourceProgress;
  private calls: CallCounters;
  /** The bucket as the last result reported it, for a client that offers no estimate of its own. */
  private lastReported: BucketEstimate | undefined;
  private fetching: Promise<FetchedPage> | undefined;
  /**
   * A page's checkpoint save (and lease renewal) runs while later pages are written: two round
   * trips per page would otherwise idle the writes. Saves stay in order, each after its own
   * page's writes.
   */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly input: ResourceSyncInput<TNode, TRecord>) {
    this.limit = input.maxObjectsPerQuery ?? MAX_OBJECTS_PER_QUERY;
    this.dataSchema = z.object({ [input.definition.connectionField]: connectionSchema });
    this.calls = input.progress.calls;
    this.resource = { ...input.progress.resource, status: 'syncing' };
    this.pipeline = new PagePipeline(
      input.writer,
      input.writeConcurrency ?? 16,
      (page, counts) => this.settle(page, counts),
      // The first slice of a sync from no watermark: a full sync, whose records are mostly new.
      this.resource.checkpoint.sliceFrom === null,
    );
  }

  async run(): Promise<ResourceSyncResult> {
    // The first page is always fetched: an invocation that cannot finish one page must not loop forever.
    this.fetching = this.startFetch(this.resource.checkpoint);
    try {
      for (;;) {
        const page = await this.nextMappedPage();
        if (!page) return await this.finish('paused');
        const ahead = page.last || this.input.shouldPause() ? undefined : this.startFetch(page.checkpoint);
        // The last save (usually long done: it began a page of writes ago) must have landed before
        // more writes go out: a lost lease stops the sync after at most one more page.
        await this.saving;
        // The pipeline keeps the page until it settles; its records only as long as they are written.
        const { records, ...written } = page;
        await this.pipeline.write(records, written);
        if (page.last) return await this.finish('completed');
        if (!ahead || this.input.shouldPause()) return await this.finish('paused');
        this.fetching = ahead;
      }
    } catch (error) {
      // Writes and a checkpoint in flight land (or fail) before the caller handles the failure.
      await this.pipeline.abandon();
      await this.saving.catch(() => {});
      throw error;
    }
  }

  private async fetchPage(after: SyncCheckpoint): Promise<FetchedPage> {
    const { definition, graphql } = this.input;
    const from = after.sliceObjects >= this.limit ? nextSlice(after, this.limit) : after;
    // Until Shopify reports a cost, the declared one sizes the page and lets the client wait first.
    const cost: PageCost =
      from.costPerNode === null
        ? definition.pageCost
        : { perQuery: definition.pageCost.perQuery, perNode: from.costPerNode };
    // Sized when issued (a fetch ahead too), from the estimate of that moment.
    const bucket = graphql.availableNow ? graphql.availableNow() : this.lastReported;
    const first = Math.min(affordablePageSize(cost, from.pageSize, bucket), this.limit - from.sliceObjects);
    const variables = {
      first,
      after: from.cursor,
      query: from.sliceFrom === null ? null : definition.updatedSince(from.sliceFrom),
    };
    const expectedCost = Math.ceil(requestedCostOf(cost, first));
    const result = await graphql.query(definition.document, variables, this.dataSchema, { expectedCost });
    const connection = (result.data as Record<string, Connection>)[definition.connectionField]!;
    return { from, first, result, connection };
  }

  /**
   * The rejection of a fetch ahead is observed when (if) it is awaited; a dropped one must not
   * become an unhandled rejection.
   */
  private startFetch(after: SyncCheckpoint): Promise<FetchedPage> {
    const fetching = this.fetchPage(after);
    fetching.catch(() => {});
    return fetching;
  }

  /**
   * The page being fetched, or undefined to pause. A page still being written settles as soon as
   * its writes are done, even before the fetch returns: a pause is then taken at once instead of
   * after a fetch that may be waiting for points, and a failed fetch surfaces only after the
   * pages before it are stored and checkpointed.
   */
  private async nextPage(): Promise<FetchedPage | undefined> {
    const fetched = this.fetching!.then(
      (page) => ({ page }),
      (error: unknown) => ({ error }),
    );
    for (;;) {
      const oldest = this.pipeline.oldestWriting();
      const first = oldest
        ? await Promise.race([fetched, oldest.then(noFetchYet, noFetchYet)])
        : await fetched;
      if (first === FETCH_PENDING) {
        await this.pipeline.settleOldest();
        if (this.input.shouldPause()) return undefined;
      } else if ('error' in first) {
        await this.pipeline.settleAll();
        await this.saving;
        throw first.error;
      } else {
        return first.page;
      }
    }
  }

  /**
   * The next page, mapped; undefined to pause. The fetched response is not held by `run`'s frame
   * while the page is written: the raw nodes would outlive the scavenges of those writes and be
   * promoted to the old generation, which only full collections free (P5's peak RSS).
   */
  private async nextMappedPage(): Promise<(WrittenPage & { readonly records: TRecord[] }) | undefined> {
    const fetched = await this.nextPage();
    return fetched && this.mapPage(fetched);
  }

  /**
   * Parse and map a fetched page, and the checkpoint after it. Nested pages (an order's line
   * items past the first page) are fetched here, before the fetch ahead starts, so GraphQL calls
   * stay one at a time.
   */
  private async mapPage({ from, first, result, connection }: FetchedPage) {
    const { definition, graphql, owner, logger } = this.input;
    const nested: GraphqlCallStats[] = [];
    const { nodes, invalid } = parseNodes(definition, connection.nodes, logger);
    const unseen = afterBoundary(definition, nodes, from);
    // completeNode sees the page's own filter: inventory levels page a location's levels by it.
    const page = { query: from.sliceFrom === null ? null : definition.updatedSince(from.sliceFrom) };
    const completed = await completeNodes(definition, unseen.nodes, countingGraphql(graphql, nested), page);
    if (result.cost) {
      const { currentlyAvailable, maximumAvailable } = result.cost.throttleStatus;
      this.lastReported = { available: currentlyAvailable, maximum: maximumAvailable };
    }
    const checkpoint: SyncCheckpoint = {
      ...from,
      ...sizingAfter(definition.pageCost, from, first, result),
      cursor: connection.pageInfo.endCursor,
      sliceObjects: from.sliceObjects + connection.nodes.length,
      lastSeenUpdatedAt: unseen.lastSeenUpdatedAt,
      boundaryIds: unseen.boundaryIds,
    };
    const records = toRecords(definition, completed, owner);
    return {
      records,
      checkpoint,
      seen: seenOf(definition, connection.nodes.length, records.length + invalid),
      invalid,
      stats: [result.stats, ...nested],
      // hasNextPage=false ends the run only on a slice that stayed below the object limit: at the
      // limit Shopify may end a listing silently instead of erroring, so a full slice always goes
      // on with a new slice from the last updatedAt seen (the next fetch starts it).
      last: !connection.pageInfo.hasNextPage && checkpoint.sliceObjects < this.limit,
    };
  }

  /** Settle: the page's costs and counts, then its checkpoint, saved while later pages write. */
  private async settle(page: WrittenPage, counts: WriteCounts): Promise<void> {
    this.calls = page.stats.reduce(addCallStats, this.calls);
    this.resource = { ...tally(this.resource, page.seen, page.invalid, counts), checkpoint: page.checkpoint };
    if (page.last) this.resource = { ...this.resource, status: 'completed' };
    await this.saving;
    const saved = this.input.saveProgress({ resource: this.resource, calls: this.calls });
    saved.catch(() => {});
    this.saving = saved;
  }

  private async finish(outcome: ResourceSyncResult['outcome']): Promise<ResourceSyncResult> {
    await this.pipeline.settleAll();
    await this.saving;
    return { outcome, progress: { resource: this.resource, calls: this.calls } };
  }
}

const FETCH_PENDING: unique symbol = Symbol('fetch pending');
const noFetchYet = (): typeof FETCH_PENDING => FETCH_PENDING;

/**
 * Page size and cost per node as the last response measured them: per node, the query's own
 * cost taken out (small pages would otherwise overstate it).
 */
const sizingAfter = (
  pageCost: PageCost,
  from: SyncCheckpoint,
  first: number,
  result: GraphqlResult<unknown>,
): Pick<SyncCheckpoint, 'costPerNode' | 'pageSize'> => {
  if (!result.cost) return { costPerNode: from.costPerNode, pageSize: from.pageSize };
  const costPerNode = Math.max(0, result.cost.requestedQueryCost - pageCost.perQuery) / Math.max(1, first);
  return {
    costPerNode,
    pageSize: adaptPageSize(costPerNode, result.cost.throttleStatus.maximumAvailable, pageCost.perQuery),
  };
};

/**
 * The nodes not yet written, and the slice boundary after them: after a slice restart at the
 * last updatedAt seen, the ids already written at that exact instant are skipped.
 */
const afterBoundary = <TNode>(
  definition: Pick<ResourceDefinition<TNode>, 'identify'>,
  nodes: readonly TNode[],
  checkpoint: SyncCheckpoint,
) => {
  const unseen: TNode[] = [];
  let lastSeen = checkpoint.lastSeenUpdatedAt;
  let boundary = new Set(checkpoint.boundaryIds);
  for (const node of nodes) {
    const { id, updatedAt } = definition.identify(node);
    if (lastSeen !== null && updatedAt === lastSeen && boundary.has(id)) continue;
    if (lastSeen === null || updatedAt > lastSeen) {
      lastSeen = updatedAt;
      boundary = new Set([id]);
    } else if (updatedAt === lastSeen) {
      boundary.add(id);
    }
    unseen.push(node);
  }
  return { nodes: unseen, lastSeenUpdatedAt: lastSeen, boundaryIds: [...boundary] };
};

/** Nested pages, one node after another: the GraphQL calls stay one at a time. */
const completeNodes = async <TNode>(
  definition: Pick<ResourceDefinition<TNode>, 'completeNode'>,
  nodes: TNode[],
  graphql: ShopifyGraphql,
  page: NodePage,
): Promise<TNode[]> => {
  if (!definition.completeNode) return nodes;
  const completed: TNode[] = [];
  for (const node of nodes) completed.push(await definition.completeNode(node, graphql, page));
  return completed;
};

/** Restarts the query at the last update time seen, because Shopify will not page further. */
const nextSlice = (checkpoint: SyncCheckpoint, limit: number): SyncCheckpoint => {
  const from = checkpoint.lastSeenUpdatedAt;
  if (from === null || from === checkpoint.sliceFrom)
    throw new SliceCannotAdvanceError(limit, from ?? '(none)');
  return { ...checkpoint, sliceFrom: from, cursor: null, sliceObjects: 0 };
};

/** The same client, recording what each call cost (for the run's counters). */
const countingGraphql = (graphql: ShopifyGraphql, into: GraphqlCallStats[]): ShopifyGraphql => ({
  query: async (document, variables, schema, options) => {
    const result = await graphql.query(document, variables, schema, options);
    into.push(result.stats);
    return result;
  },
});
