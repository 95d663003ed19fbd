/**
 * A sync run's lifecycle, for one queue delivery: open the run (or recognise a duplicate or a
 * skip), take the store's lease (run-lease.ts), sync the resources (resource-loop.ts), then end
 * the run: succeeded, paused for a continuation, needs attention, or a failed attempt that SQS
 * retries. What a run reports when it ends is in run-report.ts.
 */
import type { AccessTokenSource } from '../credentials/credentials.js';
import type { TokenProvider } from '../credentials/token-provider.js';
import { announce, type BackendEvents } from '../events/backend-events.js';
import { type Integration, watermarkOf } from '../integrations/integration.js';
import { withLogKeys } from '../log-scope.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import {
  errorSummary,
  type IntegrationAttentionError,
  isAttentionError,
  LeaseBusyError,
  RetryLaterError,
  retryDelaySeconds,
} from './errors.js';
import type {
  IntegrationReader,
  LeaseResult,
  SyncRunRepository,
  SyncStateRepository,
  TokenDecrypter,
} from './ports.js';
import { incrementalFrom, initialResourceProgress, type SyncProgress, zeroCallCounters } from './progress.js';
import { type ResourceLoopDeps, RunProgress, syncResources } from './resource-loop.js';
import { RunLease } from './run-lease.js';
import {
  attentionDetail,
  deliveriesStopped,
  resourceSyncState,
  runAttention,
  storeOf,
  summaryOf,
  syncFailed,
  type SyncTotals,
  totalsOf,
} from './run-report.js';
import {
  isTerminal,
  type RunTrigger,
  runIdForMessage,
  type SkipReason,
  type SyncMessage,
  type SyncRun,
} from './sync-run.js';

/** Everything a run needs: the resource loop's dependencies, and the run's and the store's. */
export interface SyncDeps extends ResourceLoopDeps {
  readonly integrations: IntegrationReader;
  readonly runs: SyncRunRepository;
  readonly state: SyncStateRepository;
  readonly tokens: TokenDecrypter;
  /**
   * Renews the store's token ahead of expiry and on a 401 (core/credentials); without it the
   * stored token is decrypted and used as it is.
   */
  readonly credentials?: TokenProvider;
  readonly graphqlFor: (integration: Integration, accessToken: string | AccessTokenSource) => ShopifyGraphql;
  /**
   * Runs after a sync completed, e.g. the reconcile: an incremental sync cannot see deletes. It
   * runs under the run's lease (one Shopify consumer per store at a time) and calls `heartbeat`
   * between pages to keep it; the watermark advances and the lease is released after it. Its
   * failure is logged and never fails the sync.
   */
  readonly afterSync?: (
    integration: Integration,
    options: {
      readonly deadline: number;
      readonly heartbeat: () => Promise<void>;
      /** Shopify's counts the run's probe took, per resource it found unchanged (none to take again). */
      readonly shopifyCounts: Readonly<Record<string, number>>;
    },
  ) => Promise<unknown>;
  /**
   * A store whose syncs keep healing changes while no webhook arrived for this long looks like
   * its deliveries stopped (endpoint unreachable, subscriptions gone): `Webhooks Unhealthy`.
   */
  readonly webhooksSilentAfterMs?: number;
  /** Sync Completed / Sync Failed / Integration Needs Attention / Webhooks Unhealthy, for the backend. */
  readonly events?: BackendEvents;
}

/** One delivery of a queue message, as the worker sees it. */
export interface SyncDelivery {
  readonly message: SyncMessage;
  readonly messageId: string;
  readonly sentAt: number;
  /** SQS ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** True when the invocation has too little time left for another page. */
  readonly shouldPause: () => boolean;
  /** Epoch ms by which post-sync work must stop (the invocation's end minus a margin). */
  readonly deadline?: number;
}

export type SyncOutcome =
  | { readonly outcome: 'succeeded'; readonly runId: string; readonly totals: SyncTotals }
  | { readonly outcome: 'failed'; readonly runId: string; readonly needsAttention?: boolean }
  | { readonly outcome: 'paused'; readonly runId: string }
  | { readonly outcome: 'skipped'; readonly runId: string; readonly reason: SkipReason }
  | { readonly outcome: 'duplicate'; readonly runId: string }
  | { readonly outcome: 'ignored'; readonly reason: 'INTEGRATION_NOT_FOUND' };

const iso = (millis: number) => new Date(millis).toISOString();

/**
 * Runs (or continues) one incremental sync of one integration for one queue delivery.
 *
 * One run at a time per store: the run holds a lease on the integration item. A fresh trigger
 * (schedule, manual, initial) that finds the lease taken is a duplicate and is recorded as
 * `skipped`; a continuation or redelivery of a run that already started throws LeaseBusyError
 * so SQS retries it after the visibility timeout (the holder may be its own crashed attempt
 * whose lease is about to lapse).
 *
 * Returns normally for every outcome that must not be retried (including a store that refused
 * our token: it is flagged NEEDS_ATTENTION, no retry storm); throws for transient failures so
 * the message is redelivered and resumes from the last checkpoint.
 */
export async function runSync(delivery: SyncDelivery, deps: SyncDeps): Promise<SyncOutcome> {
  const { message } = delivery;
  const { logger } = deps;
  const integration = await deps.integrations.get(message.integrationId);
  if (!integration) {
    logger.warn('Sync message for an unknown integration dropped', { integrationId: message.integrationId });
    return { outcome: 'ignored', reason: 'INTEGRATION_NOT_FOUND' };
  }
  // The unit of work's other ids (integrationId, runId) come from the caller, who knows them first.
  return withLogKeys(logger, { shopDomain: integration.shopDomain }, () =>
    syncIntegration(integration, delivery, deps),
  );
}

/** The run id of a delivery: the message's own (manual, initial, continuation) or one derived from it. */
export const runIdOf = (delivery: Pick<SyncDelivery, 'message' | 'sentAt' | 'messageId'>): string =>
  delivery.message.runId ?? runIdForMessage(delivery.sentAt, delivery.messageId);

/** One delivery's view of its run. */
interface RunScope {
  readonly integration: Integration;
  readonly delivery: SyncDelivery;
  readonly deps: SyncDeps;
  readonly runId: string;
  readonly trigger: RunTrigger;
  /** When this delivery was taken up: the run's start, and the lease's, if it starts here. */
  readonly at: number;
}

async function syncIntegration(
  integration: Integration,
  delivery: SyncDelivery,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  const opened = await openRun(integration, delivery, deps);
  if ('outcome' in opened) return opened;
  const { scope, started } = opened;
  const claim = await RunLease.acquire(
    deps.state,
    { integrationId: integration.integrationId, runId: scope.runId },
    scope.at,
    deps.config.leaseTtlMs,
    deps.now,
  );
  if ('refused' in claim) return leaseRefused(scope, started, claim.refused);
  return syncUnderLease(scope, claim.lease);
}

/**
 * The run this delivery belongs to, created if it is the first, re-opened if a DLQ redrive
 * brought it back; or the outcome that ends the delivery here (a duplicate, a skip).
 */
async function openRun(
  integration: Integration,
  delivery: SyncDelivery,
  deps: SyncDeps,
): Promise<SyncOutcome | { readonly scope: RunScope; readonly started: boolean }> {
  const { integrationId } = integration;
  const at = deps.now();
  const runId = runIdOf(delivery);
  const run = await createOrReopen(integration, delivery, deps, runId, at);
  const scope: RunScope = { integration, delivery, deps, runId, trigger: run.trigger, at };
  if (isTerminal(run.status)) {
    // A concurrent copy of this run may still hold the lease; a finished run never keeps it.
    await deps.state.releaseLease(integrationId, runId);
    return { outcome: 'duplicate', runId };
  }
  if (waitServed(run, delivery)) {
    deps.logger.info('Continuation dropped: the wait it was sent for was served', { integrationId, runId });
    return { outcome: 'duplicate', runId };
  }
  const started = run.status !== 'queued';
  // Erased credentials (shop/redact, purge) leave nothing to sync with, whatever the status says.
  if (integration.status !== 'ACTIVE' || !integration.encryptedAccessToken) {
    if (started) await deps.state.releaseLease(integrationId, runId);
    return skip(scope, 'INTEGRATION_NOT_ACTIVE');
  }
  // The fan-out filters on the due index; this catches a backlog of duplicate schedule messages.
  if (
    !started &&
    run.trigger === 'schedule' &&
    // An uninstall to confirm cannot wait for the interval: the claim made the store due.
    integration.uninstallClaimedAt === undefined &&
    recentlySynced(integration, at, deps.config.minSyncIntervalMinutes)
  )
    return skip(scope, 'RECENTLY_SYNCED');
  return { scope, started };
}

const createOrReopen = async (
  integration: Integration,
  delivery: SyncDelivery,
  { runs, logger, config }: SyncDeps,
  runId: string,
  at: number,
): Promise<SyncRun> => {
  const { integrationId } = integration;
  const run = await runs.createIfAbsent({
    integrationId,
    runId,
    trigger: runTriggerOf(delivery.message, integration),
    status: 'queued',
    queuedAt: iso(delivery.sentAt),
    expiresAt: Math.floor(at / 1000) + config.runRetentionDays * 86_400,
  });
  // Redriven from the DLQ: the run failed when its receives ran out; it goes on from its checkpoint.
  if (
    run.status === 'failed' &&
    run.exhaustedMessageId !== undefined &&
    run.exhaustedMessageId !== delivery.messageId &&
    (await runs.reopen(integrationId, runId, run.exhaustedMessageId, iso(at)))
  ) {
    logger.info('Sync run re-opened by a redriven message', { integrationId, runId });
    return { ...run, status: 'resumed' };
  }
  return run;
};

/**
 * The other message of a wait (wake-up or fallback poll) already continued the run. Only on a
 * first receive: a redelivery is the message that continued it, after a crash, and goes on.
 */
const waitServed = (run: SyncRun, { message, receiveCount }: SyncDelivery): boolean =>
  message.afterInvocation !== undefined &&
  receiveCount === 1 &&
  (run.invocations ?? 0) > message.afterInvocation;

/**
 * Another run holds the store: this trigger is a duplicate of it. But a lease held by this same
 * run is another copy of this message at work (SQS delivers at least once): skipping would
 * finish the run under it, so this copy retries later, by which time the run is done (or its
 * holder crashed and the lease lapsed, and this copy carries the run on).
 */
const leaseRefused = (
  scope: RunScope,
  started: boolean,
  refused: Extract<LeaseResult, { acquired: false }>,
): Promise<SyncOutcome> => {
  const { runId, delivery } = scope;
  if (!started && refused.holderRunId !== runId) return skip(scope, 'ANOTHER_SYNC_RUNNING');
  // A wait's second message while the first one's invocation is at work: that one carries on.
  if (
    delivery.message.afterInvocation !== undefined &&
    delivery.receiveCount === 1 &&
    refused.holderRunId === runId
  )
    return Promise.resolve({ outcome: 'duplicate', runId });
  return attemptFailed(scope, new LeaseBusyError(scope.integration.integrationId, refused.holderRunId));
};

/** This invocation's part of the run, holding the store's lease. */
async function syncUnderLease(scope: RunScope, lease: RunLease): Promise<SyncOutcome> {
  const { integration, delivery, deps, runId, at } = scope;
  const { integrationId } = integration;
  const current = await deps.runs.markRunning(integrationId, runId, iso(at));
  const startedAt = current.startedAt ?? iso(at);
  const progress = new RunProgress(progressOf(scope, current), async (next) => {
    await deps.runs.saveProgress(integrationId, runId, next);
    // Heartbeat: a run that lost its lease stops instead of racing the new holder.
    await lease.keep();
  });
  try {
    const loop = await syncResources({
      integration,
      runId,
      invocation: current.invocations ?? 1,
      graphql: await openGraphql(scope),
      lease,
      progress,
      shouldPause: delivery.shouldPause,
      deps,
    });
    if (loop.outcome === 'paused') return { outcome: 'paused', runId };
    await afterSync(scope, progress.current, lease, loop.shopifyCounts);
    return await succeed(scope, progress.current, startedAt);
  } catch (error) {
    if (isAttentionError(error)) return needsAttention(scope, error);
    // A handled failure: the retry, another invocation of this run, may take the lease at once.
    await lease.handOff();
    return attemptFailed(scope, error);
  }
}

/** Each resource from where the run left it, or from its watermark (minus the overlap). */
const progressOf = ({ integration, deps }: RunScope, run: SyncRun): SyncProgress => ({
  resources: Object.fromEntries(
    deps.resources.map(({ definition }) => [
      definition.name,
      run.resources?.[definition.name] ??
        initialResourceProgress(
          incrementalFrom(watermarkOf(integration, definition.name), deps.config.overlapMinutes),
          definition.initialPageSize,
        ),
    ]),
  ),
  calls: run.calls ?? zeroCallCounters,
});

const openGraphql = async ({ integration, deps }: RunScope): Promise<ShopifyGraphql> =>
  deps.graphqlFor(
    integration,
    deps.credentials
      ? deps.credentials.source(integration)
      : // openRun let only a store with a token through.
        await deps.tokens.decrypt(integration.encryptedAccessToken!, {
          integrationId: integration.integrationId,
        }),
  );

/**
 * The post-sync step (reconcile, backfill) is part of the run: it runs under the run's lease, and
 * the run is done (succeeded, watermark advanced, lease released) only after it.
 */
const afterSync = async (
  { integration, delivery, deps, runId }: RunScope,
  progress: SyncProgress,
  lease: RunLease,
  shopifyCounts: Readonly<Record<string, number>>,
) => {
  if (!deps.afterSync) return;
  try {
    // With this run's attention: a resource Shopify refused is not reconciled either.
    const { resourceAttention } = runAttention(progress);
    await deps.afterSync(
      { ...integration, resourceAttention },
      {
        deadline: delivery.deadline ?? Number.POSITIVE_INFINITY,
        heartbeat: () => lease.keep(),
        shopifyCounts,
      },
    );
  } catch (error) {
    deps.logger.warn('Post-sync step failed; the next sync tries again', {
      integrationId: integration.integrationId,
      runId,
      error: errorSummary(error),
    });
  }
};

async function succeed(scope: RunScope, progress: SyncProgress, startedAt: string): Promise<SyncOutcome> {
  const { integration, deps, runId } = scope;
  const { state, runs, logger } = deps;
  const { integrationId } = integration;
  // Watermark and lease first, then the run's status: whoever reads `succeeded` finds the store
  // recently synced and unlocked (a "sync now" right after is skipped, never refused as running).
  const advanced = await state.completeSync(
    integrationId,
    runId,
    startedAt,
    resourceSyncState(integration, progress, startedAt),
  );
  if (!advanced)
    logger.warn('Sync finished without its lease; watermark left as it was', { integrationId, runId });
  if (integration.uninstallClaimedAt !== undefined) {
    await state.refuteUninstallClaim(integrationId, startedAt);
    logger.warn('app/uninstalled not confirmed: Shopify still accepts the token', { integrationId, runId });
  }
  const totals = totalsOf(integration, progress);
  const finishedAt = iso(deps.now());
  const attention = attentionDetail(progress);
  const finished = await runs.finish(integrationId, runId, {
    status: 'succeeded',
    finishedAt,
    progress,
    healedBySync: totals.healedBySync,
    ...(attention.resourceAttention && { resourceAttention: attention.resourceAttention }),
  });
  // A redelivered copy of this run got there first (SQS's visibility timeout ran out while this
  // copy worked): it advances the watermark and reports the run; reporting it twice would lie.
  if (!finished) return { outcome: 'duplicate', runId };
  if (totals.healedBySync > 0) await state.recordHealed(integrationId, totals.healedBySync, finishedAt);
  logger.info('Sync succeeded', {
    integrationId,
    runId,
    healedBySync: totals.healedBySync,
    ...attention,
    ...summaryOf(progress),
  });
  await announce(
    deps.events,
    logger,
    {
      type: 'Sync Completed',
      detail: {
        ...storeOf(integration),
        runId,
        trigger: scope.trigger,
        startedAt,
        finishedAt,
        recordsSeen: totals.recordsSeen,
        recordsWritten: totals.recordsWritten,
        healedBySync: totals.healedBySync,
        resources: totals.resources,
        ...attention,
      },
    },
    ...deliveriesStopped(integration, totals.healedBySync, deps),
  );
  return { outcome: 'succeeded', runId, totals };
}

/** The store refused us for a reason no retry fixes: flagged NEEDS_ATTENTION (announced once). */
async function needsAttention(scope: RunScope, error: IntegrationAttentionError): Promise<SyncOutcome> {
  const { integration, deps, runId } = scope;
  const { integrationId } = integration;
  const summary = errorSummary(error);
  const at = iso(deps.now());
  if (await confirmedUninstall(integration, error.reason, at, deps)) {
    await deps.runs.finish(integrationId, runId, { status: 'failed', finishedAt: at, lastError: summary });
    return { outcome: 'failed', runId };
  }
  const flagged = await deps.state.markNeedsAttention(integrationId, error.reason, at);
  await deps.runs.finish(integrationId, runId, { status: 'failed', finishedAt: at, lastError: summary });
  deps.logger.warn('Integration needs attention; sync stopped', {
    integrationId,
    runId,
    reason: error.reason,
  });
  const attention = {
    type: 'Integration Needs Attention',
    detail: { ...storeOf(integration), reason: error.reason, at, runId },
  } as const;
  // Announced once, by the run that made the change.
  await announce(
    deps.events,
    deps.logger,
    ...(flagged ? [attention] : []),
    syncFailed(integration, scope.trigger, runId, summary, at),
  );
  return { outcome: 'failed', runId, needsAttention: flagged };
}

/**
 * A failed attempt: retried soon (growing backoff) while receives remain; on the last one the
 * run fails with the reason, and the message (bound for the DLQ) can re-open it when redriven.
 */
async function attemptFailed(scope: RunScope, error: unknown): Promise<never> {
  const { integration, delivery, deps, runId } = scope;
  const { runs, state, logger, config } = deps;
  const { integrationId } = integration;
  const summary = errorSummary(error);
  const { receiveCount } = delivery;
  if (receiveCount >= config.maxReceives) {
    const finishedAt = iso(deps.now());
    await runs.finish(integrationId, runId, {
      status: 'failed',
      finishedAt,
      lastError: `Gave up after ${receiveCount} attempts: ${summary}`,
      exhaustedMessageId: delivery.messageId,
    });
    await state.releaseLease(integrationId, runId);
    await announce(deps.events, logger, syncFailed(integration, scope.trigger, runId, summary, finishedAt));
    logger.error('Sync attempt failed for the last time; the message goes to the DLQ', {
      integrationId,
      runId,
      receiveCount,
      error: summary,
    });
    throw error;
  }
  const delaySeconds = retryDelaySeconds(receiveCount, config.retryBaseSeconds, config.retryMaxSeconds);
  const nextAttemptAt = iso(deps.now() + delaySeconds * 1000);
  await runs.recordRetry(integrationId, runId, { lastError: summary, nextAttemptAt });
  logger.warn('Sync attempt failed; retrying soon', {
    integrationId,
    runId,
    receiveCount,
    nextAttemptAt,
    error: summary,
  });
  throw new RetryLaterError(error, delaySeconds);
}

const skip = async ({ deps, runId, integration }: RunScope, reason: SkipReason): Promise<SyncOutcome> => {
  const { integrationId } = integration;
  await deps.runs.finish(integrationId, runId, {
    status: 'skipped',
    finishedAt: iso(deps.now()),
    skipReason: reason,
  });
  deps.logger.info('Sync skipped', { integrationId, runId, reason });
  return { outcome: 'skipped', runId, reason };
};

/**
 * A 401 on a store with an app/uninstalled claim is Shopify confirming the uninstall (the token
 * was revoked), not a token to repair: the integration becomes INACTIVE `app-uninstalled`.
 */
const confirmedUninstall = async (
  integration: Integration,
  reason: string,
  at: string,
  { state, logger }: Pick<SyncDeps, 'state' | 'logger'>,
): Promise<boolean> => {
  const claimedAt = integration.uninstallClaimedAt;
  if (claimedAt === undefined || reason !== 'SHOPIFY_UNAUTHORIZED') return false;
  const confirmed = await state.confirmUninstall(integration.integrationId, claimedAt, at);
  if (confirmed)
    logger.info('App uninstalled: Shopify refused the token, integration deactivated', {
      integrationId: integration.integrationId,
    });
  return confirmed;
};

const runTriggerOf = (message: SyncMessage, integration: Integration): RunTrigger => {
  if (message.trigger === 'continuation') return 'schedule'; // only reached if the run record vanished (TTL)
  if (message.trigger === 'schedule' && !integration.lastSuccessfulSyncAt) return 'initial';
  return message.trigger;
};

export const recentlySynced = (integration: Integration, now: number, minIntervalMinutes: number): boolean =>
  integration.lastSuccessfulSyncAt !== undefined &&
  now - Date.parse(integration.lastSuccessfulSyncAt) < minIntervalMinutes * 60_000;
