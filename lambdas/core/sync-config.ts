/**
 * How a deployment runs its syncs: intervals, the lease, retries, bulk thresholds. A deployment
 * setting, not engine code: the Lambda environment (handlers/environment.ts) carries it, the
 * composition root reads it, and the engine, the "sync now" route and the request path take it.
 * It imports nothing, so the stack (lib/) and the local runtime (local/) never reach into the
 * engine for a default.
 */
export interface SyncConfig {
  readonly minSyncIntervalMinutes: number;
  readonly overlapMinutes: number;
  /** Heartbeat-extended after every page; a crashed worker's lease lapses after this long. */
  readonly leaseTtlMs: number;
  /** Must match the queue's maxReceiveCount: the last attempt marks the run failed before the DLQ. */
  readonly maxReceives: number;
  readonly runRetentionDays: number;
  readonly writeConcurrency: number;
  readonly maxObjectsPerQuery?: number;
  /** A full sync of a resource with more records than this runs as a bulk operation. */
  readonly bulkThreshold: number;
  /** First retry delay after a failed attempt; each next one is 4× longer. */
  readonly retryBaseSeconds: number;
  /** Never longer than the queue's visibility timeout: SQS would have retried by then anyway. */
  readonly retryMaxSeconds: number;
  /**
   * How long an invocation polls a running bulk operation before the run waits outside Lambda
   * (unset: it polls until it must pause for time, billed all along).
   */
  readonly bulkWaitInInvocationMs?: number;
  /**
   * The delay of a waiting run's continuation: the poll that stands in for BULK_OPERATIONS_FINISH
   * (a webhook Shopify may deliver late or not at all). Below the lease TTL, so the waiting run
   * keeps its store.
   */
  readonly bulkWakeFallbackSeconds?: number;
}

export const defaultSyncConfig: SyncConfig = {
  minSyncIntervalMinutes: 30,
  overlapMinutes: 5,
  leaseTtlMs: 5 * 60_000,
  maxReceives: 5,
  runRetentionDays: 90,
  writeConcurrency: 16,
  bulkThreshold: 10_000,
  retryBaseSeconds: 30,
  retryMaxSeconds: 1800,
  bulkWaitInInvocationMs: 20_000,
  bulkWakeFallbackSeconds: 120,
};
