import type { GraphqlCallStats } from '../shopify-graphql.js';

/** Work done by a run, summed over all its invocations (continuations, redeliveries). */
export interface SyncCounters {
  readonly pages: number;
  readonly customersSeen: number;
  readonly written: number;
  readonly staleSkipped: number;
  /** Customers erased by a GDPR redact: never resurrected by a sync. */
  readonly redactedSkipped: number;
  /** Nodes that failed validation: logged by id, never block the rest of the store. */
  readonly invalid: number;
  readonly shopifyCostUsed: number;
  readonly throttleWaits: number;
  readonly throttleWaitMs: number;
  readonly throttledResponses: number;
  readonly retries: number;
}

/**
 * Where a run stands, saved after each page's writes so a crash resumes here.
 *
 * Shopify stops cursor pagination at 25,000 objects per query, so a run walks the store in
 * time slices: each slice is a query `updated_at:>='sliceFrom'` sorted by update time; when a
 * slice nears the limit the next one starts at the last `updatedAt` seen, skipping the ids
 * already written at that exact instant (`boundaryIds`).
 */
export interface SyncCheckpoint {
  readonly resource: string;
  /** Lower bound of the current slice; null = the whole store (initial sync, first slice). */
  readonly sliceFrom: string | null;
  readonly cursor: string | null;
  readonly sliceObjects: number;
  readonly lastSeenUpdatedAt: string | null;
  readonly boundaryIds: readonly string[];
  readonly pageSize: number;
  /** Requested points per node observed on the last page; drives page size and pacing. */
  readonly costPerNode: number | null;
}

export interface SyncProgress {
  readonly counters: SyncCounters;
  readonly checkpoint: SyncCheckpoint;
}

export const zeroCounters: SyncCounters = {
  pages: 0,
  customersSeen: 0,
  written: 0,
  staleSkipped: 0,
  redactedSkipped: 0,
  invalid: 0,
  shopifyCostUsed: 0,
  throttleWaits: 0,
  throttleWaitMs: 0,
  throttledResponses: 0,
  retries: 0,
};

export const addCallStats = (counters: SyncCounters, stats: GraphqlCallStats): SyncCounters => ({
  ...counters,
  shopifyCostUsed: counters.shopifyCostUsed + stats.costUsed,
  throttleWaits: counters.throttleWaits + stats.throttleWaits,
  throttleWaitMs: counters.throttleWaitMs + stats.throttleWaitMs,
  throttledResponses: counters.throttledResponses + stats.throttledResponses,
  retries: counters.retries + stats.retries,
});

/** The first checkpoint of a run: from the watermark minus the overlap, or the whole store. */
export const initialCheckpoint = (
  resource: string,
  from: string | null,
  pageSize: number,
): SyncCheckpoint => ({
  resource,
  sliceFrom: from,
  cursor: null,
  sliceObjects: 0,
  lastSeenUpdatedAt: null,
  boundaryIds: [],
  pageSize,
  costPerNode: null,
});

/**
 * `from` for an incremental sync: the start of the last successful sync minus an overlap, because
 * Shopify's search index lags writes by seconds to minutes and a customer updated just before
 * the last sync started may not have been searchable yet.
 */
export const incrementalFrom = (
  lastSuccessfulSyncAt: string | undefined,
  overlapMinutes: number,
): string | null =>
  lastSuccessfulSyncAt
    ? new Date(Date.parse(lastSuccessfulSyncAt) - overlapMinutes * 60_000).toISOString()
    : null;
