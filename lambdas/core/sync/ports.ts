import type { z } from 'zod';
import type { Integration } from '../integrations/integration.js';
import type { SyncProgress } from './progress.js';
import type { RunStatus, SkipReason, SyncMessage, SyncRun } from './sync-run.js';

/** What one GraphQL call cost and how long it waited: the sync run records these. */
export interface GraphqlCallStats {
  /** Points actually charged by Shopify (`actualQueryCost`). */
  readonly costUsed: number;
  /** Waits for the leaky bucket to refill, before a request or after a THROTTLED / 429 answer. */
  readonly throttleWaits: number;
  readonly throttleWaitMs: number;
  /** Responses Shopify refused as THROTTLED (the pacing aims to keep this at zero). */
  readonly throttledResponses: number;
  /** Re-sent requests after transient failures (5xx, timeouts, resets, truncated bodies). */
  readonly retries: number;
}

export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

export interface GraphqlCost {
  readonly requestedQueryCost: number;
  readonly actualQueryCost: number | null;
  readonly throttleStatus: ThrottleStatus;
}

export interface GraphqlResult<T> {
  readonly data: T;
  readonly cost: GraphqlCost | null;
  readonly stats: GraphqlCallStats;
}

export interface GraphqlQueryOptions {
  /** Requested cost the next call is expected to have, so the client waits for the bucket first. */
  readonly expectedCost?: number;
}

/** Points the store's bucket can pay for now, as the client estimates them. */
export interface BucketEstimate {
  /** Conservative: never more than the bucket holds when the next request reaches Shopify. */
  readonly available: number;
  readonly maximum: number;
}

/** The Shopify Admin GraphQL API of one store (adapters/shopify/admin-client.ts). */
export interface ShopifyGraphql {
  query<T>(
    document: string,
    variables: Record<string, unknown>,
    dataSchema: z.ZodType<T>,
    options?: GraphqlQueryOptions,
  ): Promise<GraphqlResult<T>>;
  /**
   * The bucket as last reported, projected to now; undefined before the first response. Optional:
   * without it callers fall back to the throttle status of the last result.
   */
  availableNow?(): BucketEstimate | undefined;
}

export interface Logger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export const emptyCallStats: GraphqlCallStats = {
  costUsed: 0,
  throttleWaits: 0,
  throttleWaitMs: 0,
  throttledResponses: 0,
  retries: 0,
};

// ---- Persistence and messaging ports of the sync (DynamoDB / SQS adapters implement them) ----

export interface SyncRunPage {
  readonly items: readonly SyncRun[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string;
}

export interface SyncRunRepository {
  /** Creates the run if absent; returns the stored run either way (redeliveries find theirs). */
  createIfAbsent(run: SyncRun): Promise<SyncRun>;
  get(integrationId: string, runId: string): Promise<SyncRun | undefined>;
  list(integrationId: string, options: { limit: number; cursor?: string }): Promise<SyncRunPage>;
  /** status=running, startedAt kept from the first invocation, invocations + 1. */
  markRunning(integrationId: string, runId: string, now: string): Promise<SyncRun>;
  saveProgress(integrationId: string, runId: string, progress: SyncProgress): Promise<void>;
  /** A failed attempt that SQS will retry at `nextAttemptAt`: status `retrying`, the error kept. */
  recordRetry(
    integrationId: string,
    runId: string,
    retry: { readonly lastError: string; readonly nextAttemptAt: string },
  ): Promise<void>;
  /**
   * Re-opens a run that failed on its last receive, for a redriven message (another message id):
   * status `resumed`, checkpoint and counters kept. False if it is not such a run (any more).
   */
  reopen(integrationId: string, runId: string, exhaustedMessageId: string, now: string): Promise<boolean>;
  /** Moves a non-terminal run to a terminal status; a terminal run is left as it is. */
  finish(
    integrationId: string,
    runId: string,
    outcome: {
      readonly status: Extract<RunStatus, 'succeeded' | 'failed' | 'skipped'>;
      readonly finishedAt: string;
      readonly progress?: SyncProgress;
      readonly lastError?: string;
      readonly skipReason?: SkipReason;
      /** The message whose receives ran out (it goes to the DLQ): its redrive re-opens the run. */
      readonly exhaustedMessageId?: string;
    },
  ): Promise<void>;
}

export type LeaseResult =
  { readonly acquired: true } | { readonly acquired: false; readonly holderRunId?: string };

/** Sync bookkeeping on the integration item: the one-run-at-a-time lease and the watermark. */
export interface SyncStateRepository {
  /** Takes or extends the lease for `runId` until `expiresAt`; fails while another live run holds it. */
  acquireLease(integrationId: string, runId: string, now: string, expiresAt: string): Promise<LeaseResult>;
  /**
   * Extends a lease `runId` still holds. Never re-creates a released one: SQS may deliver a run's
   * message twice at once, and the copy that finishes first releases the lease for good.
   */
  renewLease(integrationId: string, runId: string, expiresAt: string): Promise<LeaseResult>;
  releaseLease(integrationId: string, runId: string): Promise<void>;
  /** The run holding an unexpired lease, if any. */
  leaseHolder(integrationId: string, now: string): Promise<string | undefined>;
  /** Advances lastSuccessfulSyncAt (never backwards) and releases the lease; false if the lease was lost. */
  completeSync(integrationId: string, runId: string, startedAt: string): Promise<boolean>;
  /** status NEEDS_ATTENTION with a reason; leaves the sparse due index; releases any lease. */
  markNeedsAttention(integrationId: string, reason: string, now: string): Promise<void>;
}

export interface IntegrationReader {
  get(integrationId: string): Promise<Integration | undefined>;
}

export interface SendResult {
  readonly sent: number;
  /** Messages still refused after the adapter's bounded retries. */
  readonly failed: readonly { readonly message: SyncMessage; readonly reason: string }[];
}

export interface SyncQueue {
  send(messages: readonly SyncMessage[]): Promise<SendResult>;
}

export interface TokenDecrypter {
  decrypt(ciphertext: string, context: { integrationId: string }): Promise<string>;
}
