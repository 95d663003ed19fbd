import type { GraphqlCallStats } from '../../shopify/graphql.js';

/** What happened to one resource's records in a run, summed over all its invocations. */
export interface ResourceCounters {
  readonly pages: number;
  /** Nodes Shopify returned (a few may be re-read at a time-slice boundary). */
  readonly seen: number;
  readonly written: number;
  /** Older than the stored version: a webhook (or an earlier page) already wrote something newer. */
  readonly stale: number;
  /** Erased by a GDPR redact: never resurrected by a sync. */
  readonly redacted: number;
  /** Nodes that failed validation: logged by id, never block the rest of the store. */
  readonly invalid: number;
}

/** What the run's Shopify calls cost, over all resources and invocations. */
export interface CallCounters {
  readonly shopifyCostUsed: number;
  readonly throttleWaits: number;
  readonly throttleWaitMs: number;
  readonly throttledResponses: number;
  readonly retries: number;
}

/**
 * Where a resource's sync stands, saved after each page's writes so a crash resumes here.
 *
 * Shopify stops cursor pagination at 25,000 objects per query, so a run walks the store in
 * time slices: each slice is a query `updated_at:>='sliceFrom'` sorted by update time; when a
 * slice nears the limit the next one starts at the last `updatedAt` seen, skipping the ids
 * already written at that exact instant (`boundaryIds`).
 */
export interface SyncCheckpoint {
  /** Lower bound of the current slice; null = the whole store (initial sync, first slice). */
  readonly sliceFrom: string | null;
  readonly cursor: string | null;
  readonly sliceObjects: number;
  readonly lastSeenUpdatedAt: string | null;
  readonly boundaryIds: readonly string[];
  readonly pageSize: number;
  /** Requested points per node observed on the last page; drives page size and pacing. */
  readonly costPerNode: number | null;
  /** Set when this resource syncs by bulk operation instead of pages (sync/bulk-sync.ts). */
  readonly bulk?: BulkCheckpoint;
}

/**
 * A bulk sync's place: the operation (null until started), its result URL once COMPLETED, and
 * how many lines of that file are written. A new operation (failed, expired URL) starts at line 0.
 */
export interface BulkCheckpoint {
  readonly operationId: string | null;
  readonly operationStartedAt: string | null;
  readonly url: string | null;
  readonly line: number;
  /** Operations started for this sync so far (failed ones are re-run a bounded number of times). */
  readonly attempts: number;
}

/**
 * `pending` → `syncing` → `completed`; `needs-attention` when the app lacks this resource's scope
 * (or Shopify refuses it) while the others keep syncing.
 */
export type ResourceSyncStatus = 'pending' | 'syncing' | 'completed' | 'needs-attention';

export interface ResourceProgress extends ResourceCounters {
  readonly status: ResourceSyncStatus;
  readonly checkpoint: SyncCheckpoint;
  /**
   * Why this resource needs attention: `MISSING_SCOPE` (the grant lacks its scopes, so it was not
   * queried) or `ACCESS_DENIED` (Shopify refused it although its scopes look granted).
   */
  readonly attentionReason?: string;
  /** With MISSING_SCOPE: the scopes the merchant must grant for this resource. */
  readonly missingScopes?: readonly string[];
}

/** One resource's progress and the run's call costs, which every resource adds to. */
export interface ResourceStep {
  readonly resource: ResourceProgress;
  readonly calls: CallCounters;
}

/** How one invocation's sync of a resource (paged or bulk) ended. */
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

/** A run's progress: one entry per resource (keyed by definition name) and the shared call costs. */
export interface SyncProgress {
  readonly resources: Readonly<Record<string, ResourceProgress>>;
  readonly calls: CallCounters;
}

export const zeroResourceCounters: ResourceCounters = {
  pages: 0,
  seen: 0,
  written: 0,
  stale: 0,
  redacted: 0,
  invalid: 0,
};

export const zeroCallCounters: CallCounters = {
  shopifyCostUsed: 0,
  throttleWaits: 0,
  throttleWaitMs: 0,
  throttledResponses: 0,
  retries: 0,
};

export const addCallStats = (counters: CallCounters, stats: GraphqlCallStats): CallCounters => ({
  shopifyCostUsed: counters.shopifyCostUsed + stats.costUsed,
  throttleWaits: counters.throttleWaits + stats.throttleWaits,
  throttleWaitMs: counters.throttleWaitMs + stats.throttleWaitMs,
  throttledResponses: counters.throttledResponses + stats.throttledResponses,
  retries: counters.retries + stats.retries,
});

/** The first checkpoint of a resource: from its watermark minus the overlap, or the whole store. */
export const initialCheckpoint = (from: string | null, pageSize: number): SyncCheckpoint => ({
  sliceFrom: from,
  cursor: null,
  sliceObjects: 0,
  lastSeenUpdatedAt: null,
  boundaryIds: [],
  pageSize,
  costPerNode: null,
});

export const initialResourceProgress = (from: string | null, pageSize: number): ResourceProgress => ({
  status: 'pending',
  ...zeroResourceCounters,
  checkpoint: initialCheckpoint(from, pageSize),
});

/**
 * `from` for an incremental sync: the start of the last successful sync minus an overlap, because
 * Shopify's search index lags writes by seconds to minutes and a record updated just before
 * the last sync started may not have been searchable yet.
 */
export const incrementalFrom = (
  lastSuccessfulSyncAt: string | undefined,
  overlapMinutes: number,
): string | null =>
  lastSuccessfulSyncAt
    ? new Date(Date.parse(lastSuccessfulSyncAt) - overlapMinutes * 60_000).toISOString()
    : null;
