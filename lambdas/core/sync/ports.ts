import type { Integration } from '../integrations/integration.js';
import type { SyncProgress } from './progress.js';
import type { ResourceSyncState } from '../integrations/integration.js';
import type { RunStatus, SkipReason, SyncMessage, SyncRun } from './sync-run.js';

/** Persistence and messaging ports of the sync (DynamoDB / SQS adapters implement them). */

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
  /**
   * Moves a non-terminal run to a terminal status; a terminal run is left as it is. True when this
   * call finished it: of two copies of one run (an SQS redelivery racing the first), only one does.
   */
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
      readonly healedBySync?: number;
      /** The resources a succeeded run left out, with why. */
      readonly resourceAttention?: Readonly<Record<string, string>>;
    },
  ): Promise<boolean>;
}

/** The store's sync lease as the integration item holds it. */
export interface SyncLeaseView {
  readonly runId: string;
  /** Absent while handed off: no invocation is at work, the run waits for its continuation. */
  readonly holder?: string;
  readonly expiresAt: string;
}

export type LeaseResult =
  { readonly acquired: true } | { readonly acquired: false; readonly holderRunId?: string };

/**
 * Sync bookkeeping on the integration item: the one-run-at-a-time lease and the watermark.
 *
 * A lease names its run and the invocation holding it (`holder`, unique per invocation). SQS may
 * hand one message to two invocations at once (at-least-once delivery, or a visibility timeout
 * that ran out): only one of them holds the lease, so they never spend the store's rate-limit
 * bucket twice or race each other's checkpoints. A run that pauses hands its lease off (drops the
 * holder) so its continuation, a new invocation of the same run, can take it; a crashed holder's
 * lease lapses after its TTL.
 */
export interface SyncStateRepository {
  /**
   * Takes the lease for `runId` as `holder` until `expiresAt`; fails while another run holds an
   * unexpired one, or another invocation of this run does (unless it handed it off).
   */
  acquireLease(
    integrationId: string,
    runId: string,
    holder: string,
    now: string,
    expiresAt: string,
  ): Promise<LeaseResult>;
  /**
   * Extends a lease `holder` still holds. Never re-creates a released one: SQS may deliver a run's
   * message twice at once, and the copy that finishes first releases the lease for good.
   */
  renewLease(integrationId: string, runId: string, holder: string, expiresAt: string): Promise<LeaseResult>;
  /** Keeps the lease for `runId` but lets any invocation of that run take it (a pause). */
  handOffLease(integrationId: string, runId: string, holder: string): Promise<void>;
  releaseLease(integrationId: string, runId: string): Promise<void>;
  /** The run holding an unexpired lease, if any. */
  leaseHolder(integrationId: string, now: string): Promise<string | undefined>;
  /**
   * Advances lastSuccessfulSyncAt (never backwards), stores the per-resource watermarks and the
   * resources Shopify refused, and releases the lease; false if the lease was lost.
   */
  completeSync(
    integrationId: string,
    runId: string,
    startedAt: string,
    resources: ResourceSyncState,
  ): Promise<boolean>;
  /**
   * status NEEDS_ATTENTION with a reason; leaves the sparse due index; releases any lease. False
   * when the integration was not ACTIVE (already flagged, or uninstalled): nothing changed.
   */
  markNeedsAttention(integrationId: string, reason: string, now: string): Promise<boolean>;
  /**
   * Shopify refused the token of an ACTIVE integration with an app/uninstalled claim: status
   * INACTIVE (`app-uninstalled`, `uninstalledAt` = the claim), out of the due index, lease and
   * claim removed. False when there was no such claim (or it is not ACTIVE): nothing changed.
   */
  confirmUninstall(integrationId: string, uninstalledAt: string, now: string): Promise<boolean>;
  /** A sync that started after the claim succeeded: the token works, the claim was false. */
  refuteUninstallClaim(integrationId: string, syncStartedAt: string): Promise<void>;
  /** Adds to the integration's `healedBySync` total and sets `lastHealedAt`. */
  recordHealed(integrationId: string, healed: number, at: string): Promise<void>;
}

export interface IntegrationReader {
  get(integrationId: string): Promise<Integration | undefined>;
}

export interface SendResult {
  readonly sent: number;
  /** Messages still refused after the adapter's bounded retries. */
  readonly failed: readonly { readonly message: SyncMessage; readonly reason: string }[];
}

export interface SendOptions {
  /** Hidden this long before a worker can receive it (SQS: at most 900). */
  readonly delaySeconds?: number;
}

export interface SyncQueue {
  send(messages: readonly SyncMessage[], options?: SendOptions): Promise<SendResult>;
}

export interface TokenDecrypter {
  decrypt(ciphertext: string, context: { integrationId: string }): Promise<string>;
}
