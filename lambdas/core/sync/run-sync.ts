import type { AccessTokenSource } from '../credentials/credentials.js';
import type { TokenProvider } from '../credentials/token-provider.js';
import { randomBytes } from 'node:crypto';
import type { BulkResultReader } from '../bulk/ports.js';
import { countShopifyRecords, fetchGrantedScopes } from '../integrations/shop-admin.js';
import {
  type GrantedScopesStore,
  MISSING_SCOPE,
  type MissingScopes,
  newlyGrantedResources,
  recordGrantedScopes,
  type ScopeRequirements,
  scopeLists,
} from '../integrations/granted-scopes.js';
import { announce, type BackendEvents } from '../events/backend-events.js';
import { type Integration, type ResourceSyncState, watermarkOf } from '../integrations/integration.js';
import { webhooksSilent } from '../integrations/store-census.js';
import { withLogKeys } from '../log-scope.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordWriter, ResourceDefinition } from '../../resources/kit/definition.js';
import {
  isAttentionError,
  isResourceAccessDenied,
  LeaseBusyError,
  RetryLaterError,
  retryDelaySeconds,
} from './errors.js';
import type {
  IntegrationReader,
  SyncQueue,
  SyncRunRepository,
  SyncStateRepository,
  TokenDecrypter,
} from './ports.js';
import type { Logger } from '../logger.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import {
  incrementalFrom,
  initialResourceProgress,
  type ResourceProgress,
  type SyncProgress,
  zeroCallCounters,
} from './progress.js';
import { syncResourceInBulk } from './bulk-sync.js';
import { type ResourceStep, type ResourceSyncResult, syncResource } from './sync-engine.js';
import {
  isTerminal,
  type RunTrigger,
  runIdForMessage,
  type SkipReason,
  type SyncMessage,
} from './sync-run.js';

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

/**
 * One resource a run mirrors: its definition and where its records go. Built with
 * `syncedResource` so a definition's record type and its writer's always agree.
 */
export interface SyncedResource {
  readonly definition: ResourceDefinition<unknown, MirroredRecord>;
  readonly writer: RecordWriter<MirroredRecord>;
}

export const syncedResource = <TNode, TRecord extends MirroredRecord>(
  definition: ResourceDefinition<TNode, TRecord>,
  writer: RecordWriter<TRecord>,
): SyncedResource => ({
  definition: definition,
  writer: writer,
});

export interface SyncDeps {
  readonly integrations: IntegrationReader;
  readonly runs: SyncRunRepository;
  readonly state: SyncStateRepository;
  readonly queue: SyncQueue;
  readonly tokens: TokenDecrypter;
  /**
   * Renews the store's token ahead of expiry and on a 401 (core/credentials); without it the
   * stored token is decrypted and used as it is.
   */
  readonly credentials?: TokenProvider;
  readonly graphqlFor: (integration: Integration, accessToken: string | AccessTokenSource) => ShopifyGraphql;
  /** Synced one after another, in this order, each from its own checkpoint. */
  readonly resources: readonly SyncedResource[];
  readonly now: () => number;
  readonly logger: Logger;
  readonly config: SyncConfig;
  /** Reads bulk operation results; without it every sync is paged. */
  readonly bulkResults?: BulkResultReader;
  /** Waits between polls of a running bulk operation (tests pass a short one). */
  readonly bulkPollDelayMs?: number;
  /**
   * Runs after a sync completed, e.g. the reconcile: an incremental sync cannot see deletes. It
   * runs under the run's lease (one Shopify consumer per store at a time) and calls `heartbeat`
   * between pages to keep it; the watermark advances and the lease is released after it. Its
   * failure is logged and never fails the sync.
   */
  readonly afterSync?: (
    integration: Integration,
    options: { readonly deadline: number; readonly heartbeat: () => Promise<void> },
  ) => Promise<unknown>;
  /** Sync Completed / Sync Failed / Integration Needs Attention / Webhooks Unhealthy, for the backend. */
  readonly events?: BackendEvents;
  /**
   * A store whose syncs keep healing changes while no webhook arrived for this long looks like
   * its deliveries stopped (endpoint unreachable, subscriptions gone): `Webhooks Unhealthy`.
   */
  readonly webhooksSilentAfterMs?: number;
  /**
   * Each invocation first asks Shopify what it granted (one cheap call) and records it: a resource
   * whose scopes are missing is marked needs-attention (MISSING_SCOPE) and never queried. Without
   * it every resource is queried, and a missing scope shows only as Shopify's ACCESS_DENIED.
   */
  readonly scopes?: ScopeRequirements & {
    readonly store: GrantedScopesStore;
    /**
     * Called when a resource that lacked scopes has them now, with the integration as the grant
     * left it: e.g. to subscribe its webhook topics now rather than at the next daily check.
     * Its failure is logged, never fails the sync.
     */
    readonly onGranted?: (integration: Integration) => Promise<unknown>;
  };
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

/** What a finished run did, over all its resources, for the worker's metrics. */
export interface SyncTotals {
  readonly recordsSeen: number;
  readonly recordsWritten: number;
  /**
   * Written because newer than the mirror, for resources already mirrored (their first sync
   * writes everything and heals nothing): changes no webhook delivered in time.
   */
  readonly healedBySync: number;
  readonly shopifyCostUsed: number;
  readonly throttleWaits: number;
  readonly throttledResponses: number;
  /** The same counts per resource (customers, orders, products), by definition name. */
  readonly resources: Readonly<Record<string, ResourceTotals>>;
}

export interface ResourceTotals {
  readonly seen: number;
  readonly written: number;
  readonly healedBySync: number;
}

export type SyncOutcome =
  | { readonly outcome: 'succeeded'; readonly runId: string; readonly totals: SyncTotals }
  | { readonly outcome: 'failed'; readonly runId: string; readonly needsAttention?: boolean }
  | { readonly outcome: 'paused'; readonly runId: string }
  | { readonly outcome: 'skipped'; readonly runId: string; readonly reason: SkipReason }
  | { readonly outcome: 'duplicate'; readonly runId: string }
  | { readonly outcome: 'ignored'; readonly reason: 'INTEGRATION_NOT_FOUND' };

const iso = (millis: number) => new Date(millis).toISOString();

/** Error text for the run history: the message only, bounded, never a stack or a payload. */
export const errorSummary = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : 'Unknown error').slice(0, 500);

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

async function syncIntegration(
  integration: Integration,
  delivery: SyncDelivery,
  deps: SyncDeps,
): Promise<SyncOutcome> {
  const { message } = delivery;
  const { runs, state, logger, config } = deps;
  const { integrationId } = integration;
  const runId = runIdOf(delivery);
  const now = deps.now();
  let run = await runs.createIfAbsent({
    integrationId,
    runId,
    trigger: runTriggerOf(message, integration),
    status: 'queued',
    queuedAt: iso(delivery.sentAt),
    expiresAt: Math.floor(now / 1000) + config.runRetentionDays * 86_400,
  });
  // Redriven from the DLQ: the run failed when its receives ran out; it goes on from its checkpoint.
  if (
    run.status === 'failed' &&
    run.exhaustedMessageId !== undefined &&
    run.exhaustedMessageId !== delivery.messageId &&
    (await runs.reopen(integrationId, runId, run.exhaustedMessageId, iso(now)))
  ) {
    logger.info('Sync run re-opened by a redriven message', { integrationId, runId });
    run = { ...run, status: 'resumed' };
  }
  if (isTerminal(run.status)) {
    // A concurrent copy of this run may still hold the lease; a finished run never keeps it.
    await state.releaseLease(integrationId, runId);
    return { outcome: 'duplicate', runId };
  }
  // The other message of a wait (wake-up or fallback poll) already continued the run. Only on a
  // first receive: a redelivery is the message that continued it, after a crash, and goes on.
  const waitServed = (): boolean =>
    message.afterInvocation !== undefined &&
    delivery.receiveCount === 1 &&
    (run.invocations ?? 0) > message.afterInvocation;
  if (waitServed()) {
    logger.info('Continuation dropped: the wait it was sent for was served', { integrationId, runId });
    return { outcome: 'duplicate', runId };
  }

  const skip = async (reason: SkipReason): Promise<SyncOutcome> => {
    await runs.finish(integrationId, runId, {
      status: 'skipped',
      finishedAt: iso(deps.now()),
      skipReason: reason,
    });
    logger.info('Sync skipped', { integrationId, runId, reason });
    return { outcome: 'skipped', runId, reason };
  };
  const started = run.status !== 'queued';

  const { encryptedAccessToken } = integration;
  // Erased credentials (shop/redact, purge) leave nothing to sync with, whatever the status says.
  if (integration.status !== 'ACTIVE' || !encryptedAccessToken) {
    if (started) await state.releaseLease(integrationId, runId);
    return skip('INTEGRATION_NOT_ACTIVE');
  }
  // The fan-out filters on the due index; this catches a backlog of duplicate schedule messages.
  if (
    !started &&
    run.trigger === 'schedule' &&
    // An uninstall to confirm cannot wait for the interval: the claim made the store due.
    integration.uninstallClaimedAt === undefined &&
    recentlySynced(integration, now, config.minSyncIntervalMinutes)
  ) {
    return skip('RECENTLY_SYNCED');
  }

  /**
   * A failed attempt: retried soon (growing backoff) while receives remain; on the last one the
   * run fails with the reason, and the message (bound for the DLQ) can re-open it when redriven.
   */
  const attemptFailed = async (error: unknown): Promise<never> => {
    const summary = errorSummary(error);
    if (delivery.receiveCount >= config.maxReceives) {
      const finishedAt = iso(deps.now());
      await runs.finish(integrationId, runId, {
        status: 'failed',
        finishedAt,
        lastError: `Gave up after ${delivery.receiveCount} attempts: ${summary}`,
        exhaustedMessageId: delivery.messageId,
      });
      await state.releaseLease(integrationId, runId);
      await announce(deps.events, logger, syncFailed(integration, run.trigger, runId, summary, finishedAt));
      logger.error('Sync attempt failed for the last time; the message goes to the DLQ', {
        integrationId,
        runId,
        receiveCount: delivery.receiveCount,
        error: summary,
      });
      throw error;
    }
    const delaySeconds = retryDelaySeconds(
      delivery.receiveCount,
      config.retryBaseSeconds,
      config.retryMaxSeconds,
    );
    const nextAttemptAt = iso(deps.now() + delaySeconds * 1000);
    await runs.recordRetry(integrationId, runId, { lastError: summary, nextAttemptAt });
    logger.warn('Sync attempt failed; retrying soon', {
      integrationId,
      runId,
      receiveCount: delivery.receiveCount,
      nextAttemptAt,
      error: summary,
    });
    throw new RetryLaterError(error, delaySeconds);
  };

  // This invocation's claim: another copy of the same message must not sync beside it.
  const holder = randomBytes(9).toString('base64url');
  const lease = await state.acquireLease(
    integrationId,
    runId,
    holder,
    iso(now),
    iso(now + config.leaseTtlMs),
  );
  if (!lease.acquired) {
    // Another run holds the store: this trigger is a duplicate of it. But a lease held by this
    // same run is another copy of this message at work (SQS delivers at least once): skipping
    // would finish the run under it, so this copy retries later, by which time the run is done
    // (or its holder crashed and the lease lapsed, and this copy carries the run on).
    if (!started && lease.holderRunId !== runId) return skip('ANOTHER_SYNC_RUNNING');
    // A wait's second message while the first one's invocation is at work: that one carries on.
    if (message.afterInvocation !== undefined && delivery.receiveCount === 1 && lease.holderRunId === runId)
      return { outcome: 'duplicate', runId };
    return attemptFailed(new LeaseBusyError(integrationId, lease.holderRunId));
  }

  const current = await runs.markRunning(integrationId, runId, iso(now));
  const startedAt = current.startedAt ?? iso(now);
  let progress: SyncProgress = {
    resources: Object.fromEntries(
      deps.resources.map(({ definition }) => [
        definition.name,
        current.resources?.[definition.name] ??
          initialResourceProgress(
            incrementalFrom(watermarkOf(integration, definition.name), config.overlapMinutes),
            definition.initialPageSize,
          ),
      ]),
    ),
    calls: current.calls ?? zeroCallCounters,
  };
  const withStep = (name: string, step: ResourceStep): SyncProgress => ({
    resources: { ...progress.resources, [name]: step.resource },
    calls: step.calls,
  });
  // Heartbeat: a run that lost its lease stops instead of racing the new holder. Renewed only
  // once a third of the lease has passed: while it is held and unexpired no one else can take
  // it, so an earlier renewal learns nothing, and each one rewrites the whole integration item
  // (a write unit per KB of it: most of an idle store's DynamoDB cost, bench F1).
  let leaseRenewedAt = now;
  const keepLease = async (): Promise<void> => {
    if (deps.now() - leaseRenewedAt < config.leaseTtlMs / 3) return;
    const renewedAt = deps.now();
    const renewed = await state.renewLease(integrationId, runId, holder, iso(renewedAt + config.leaseTtlMs));
    if (!renewed.acquired) throw new LeaseBusyError(integrationId, renewed.holderRunId);
    leaseRenewedAt = renewedAt;
  };
  const saveProgress = async (next: SyncProgress) => {
    progress = next;
    await runs.saveProgress(integrationId, runId, next);
    await keepLease();
  };

  try {
    const graphql = deps.graphqlFor(
      integration,
      deps.credentials
        ? deps.credentials.source(integration)
        : await deps.tokens.decrypt(encryptedAccessToken, { integrationId }),
    );
    if (deps.scopes && hasWorkLeft(progress)) {
      const grant = await recordGrantedScopes(
        integration,
        await fetchGrantedScopes(graphql),
        { ...deps.scopes, logger, now: deps.now, ...(deps.events && { events: deps.events }) },
        { runId },
      );
      const { missingScopes } = grant;
      const granted = newlyGrantedResources(integration.missingScopes, missingScopes);
      if (granted.length > 0 && deps.scopes.onGranted) {
        logger.info('Access scopes granted; those resources sync again', { integrationId, runId, granted });
        await deps.scopes.onGranted({ ...integration, ...grant }).catch((error: unknown) =>
          logger.warn('After-grant step failed; the daily health check does it', {
            integrationId,
            runId,
            error: errorSummary(error),
          }),
        );
      }
      const marked = withMissingScopes(progress, missingScopes);
      if (marked) {
        await saveProgress(marked);
        logger.warn('Resources without their access scopes are not synced; the others are', {
          integrationId,
          runId,
          missingScopes,
        });
      }
    }
    const owner = {
      organizationId: integration.organizationId,
      integrationId,
      shopDomain: integration.shopDomain,
    };
    for (const { definition, writer } of deps.resources) {
      const { name } = definition;
      const resource = progress.resources[name]!;
      if (resource.status === 'completed' || resource.status === 'needs-attention') continue;
      let result: ResourceSyncResult;
      try {
        const common = {
          definition,
          writer,
          graphql,
          owner,
          progress: { resource, calls: progress.calls },
          writeConcurrency: config.writeConcurrency,
          shouldPause: delivery.shouldPause,
          logger,
          saveProgress: (step: ResourceStep) => saveProgress(withStep(name, step)),
        };
        result =
          deps.bulkResults && (await useBulk(definition, resource, graphql, config.bulkThreshold))
            ? await syncResourceInBulk({
                ...common,
                results: deps.bulkResults,
                ...(deps.bulkPollDelayMs !== undefined && {
                  firstPollDelayMs: deps.bulkPollDelayMs,
                  maxPollDelayMs: deps.bulkPollDelayMs,
                }),
                ...(config.bulkWaitInInvocationMs !== undefined && {
                  waitInInvocationMs: config.bulkWaitInInvocationMs,
                }),
                now: deps.now,
              })
            : await syncResource({ ...common, maxObjectsPerQuery: config.maxObjectsPerQuery });
      } catch (error) {
        if (!isResourceAccessDenied(error)) throw error;
        // A missing scope for this resource only: record it and go on with the others.
        await saveProgress(
          withStep(name, {
            resource: {
              ...progress.resources[name]!,
              status: 'needs-attention',
              attentionReason: error.reason,
            },
            calls: progress.calls,
          }),
        );
        logger.warn('Shopify denied a resource; it needs attention, the others keep syncing', {
          integrationId,
          runId,
          resource: name,
          reason: error.reason,
          // Shopify's own words (which scope or data it wants); never a payload.
          error: errorSummary(error),
        });
        continue;
      }
      if (result.outcome === 'paused') {
        // The continuation is a new invocation of this run: it may take the lease, no one else.
        await state.handOffLease(integrationId, runId, holder);
        const waiting = result.waitingForOperation !== undefined;
        const sent = waiting
          ? await deps.queue.send(
              [{ integrationId, trigger: 'continuation', runId, afterInvocation: current.invocations ?? 1 }],
              { delaySeconds: config.bulkWakeFallbackSeconds ?? 60 },
            )
          : await deps.queue.send([{ integrationId, trigger: 'continuation', runId }]);
        // Not enqueued: fail this delivery so SQS redelivers it; it resumes from the same checkpoint.
        if (sent.failed.length > 0) throw new Error(`Continuation not enqueued: ${sent.failed[0]!.reason}`);
        logger.info(waiting ? 'Sync waits for its bulk operation' : 'Sync paused for a continuation', {
          integrationId,
          runId,
          resource: name,
          pages: result.progress.resource.pages,
          ...(waiting && { operationId: result.waitingForOperation }),
        });
        return { outcome: 'paused', runId };
      }
    }

    // The post-sync step (reconcile, backfill) is part of the run: it runs under the run's lease,
    // and the run is done (succeeded, watermark advanced, lease released) only after it.
    if (deps.afterSync) {
      try {
        // With this run's attention: a resource Shopify refused is not reconciled either.
        const { resourceAttention } = runAttention(progress);
        await deps.afterSync(
          { ...integration, resourceAttention },
          {
            deadline: delivery.deadline ?? Number.POSITIVE_INFINITY,
            heartbeat: keepLease,
          },
        );
      } catch (error) {
        logger.warn('Post-sync step failed; the next sync tries again', {
          integrationId,
          runId,
          error: errorSummary(error),
        });
      }
    }
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
          trigger: run.trigger,
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
  } catch (error) {
    const summary = errorSummary(error);
    if (isAttentionError(error)) {
      const at = iso(deps.now());
      if (await confirmedUninstall(integration, error.reason, at, deps)) {
        await runs.finish(integrationId, runId, { status: 'failed', finishedAt: at, lastError: summary });
        return { outcome: 'failed', runId };
      }
      const flagged = await state.markNeedsAttention(integrationId, error.reason, at);
      await runs.finish(integrationId, runId, { status: 'failed', finishedAt: at, lastError: summary });
      logger.warn('Integration needs attention; sync stopped', {
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
        logger,
        ...(flagged ? [attention] : []),
        syncFailed(integration, run.trigger, runId, summary, at),
      );
      return { outcome: 'failed', runId, needsAttention: flagged };
    }
    // A handled failure: the retry, another invocation of this run, may take the lease at once.
    await state.handOffLease(integrationId, runId, holder);
    return attemptFailed(error);
  }
}

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

/**
 * Bulk for a full sync (no watermark: initial, or a resync from scratch) of a resource that has
 * a bulk strategy and more records than the threshold; a sync that started in bulk stays in bulk.
 */
const useBulk = async (
  definition: ResourceDefinition<unknown>,
  resource: ResourceProgress,
  graphql: ShopifyGraphql,
  threshold: number,
): Promise<boolean> => {
  if (resource.checkpoint.bulk) return true;
  const { bulk } = definition;
  const fresh =
    resource.checkpoint.sliceFrom === null && resource.checkpoint.cursor === null && resource.pages === 0;
  if (!bulk || !fresh) return false;
  return (await countShopifyRecords(graphql, definition.reconcile)) > threshold;
};

const storeOf = (integration: Integration) => ({
  integrationId: integration.integrationId,
  organizationId: integration.organizationId,
  shopDomain: integration.shopDomain,
});

const syncFailed = (
  integration: Integration,
  trigger: RunTrigger,
  runId: string,
  error: string,
  finishedAt: string,
) =>
  ({
    type: 'Sync Failed',
    detail: { ...storeOf(integration), runId, trigger, error, finishedAt },
  }) as const;

/**
 * A resource with a watermark was mirrored before this run, so what the run wrote was newer than
 * the mirror: a change no webhook delivered. A resource's first sync writes everything.
 */
const totalsOf = (integration: Integration, progress: SyncProgress): SyncTotals => {
  const resources = Object.fromEntries(
    Object.entries(progress.resources).map(([name, resource]) => [
      name,
      {
        seen: resource.seen,
        written: resource.written,
        healedBySync: watermarkOf(integration, name) !== undefined ? resource.written : 0,
      },
    ]),
  );
  const sum = (field: keyof ResourceTotals) =>
    Object.values(resources).reduce((total, resource) => total + resource[field], 0);
  const { shopifyCostUsed, throttleWaits, throttledResponses } = progress.calls;
  return {
    recordsSeen: sum('seen'),
    recordsWritten: sum('written'),
    healedBySync: sum('healedBySync'),
    shopifyCostUsed,
    throttleWaits,
    throttledResponses,
    resources,
  };
};

/** Default silence before a store that keeps healing is reported: a quiet store sends nothing. */
export const DEFAULT_WEBHOOKS_SILENT_AFTER_MS = 6 * 3_600_000;

/**
 * Changes found by sync while no verified webhook arrived for hours: the endpoint is unreachable
 * or the subscriptions are gone. Reported on every such run (at most once per sync interval)
 * until a webhook arrives again.
 */
const deliveriesStopped = (
  integration: Integration,
  healedBySync: number,
  deps: Pick<SyncDeps, 'now' | 'webhooksSilentAfterMs'>,
) => {
  if (healedBySync === 0) return [];
  const silentAfterMs = deps.webhooksSilentAfterMs ?? DEFAULT_WEBHOOKS_SILENT_AFTER_MS;
  if (!webhooksSilent(integration, deps.now(), silentAfterMs)) return [];
  return [
    {
      type: 'Webhooks Unhealthy',
      detail: {
        ...storeOf(integration),
        reason: 'DELIVERIES_STOPPED',
        ...(integration.lastWebhookAt && { lastWebhookAt: integration.lastWebhookAt }),
        healedBySync,
        at: iso(deps.now()),
      },
    } as const,
  ];
};

const runTriggerOf = (message: SyncMessage, integration: Integration): RunTrigger => {
  if (message.trigger === 'continuation') return 'schedule'; // only reached if the run record vanished (TTL)
  if (message.trigger === 'schedule' && !integration.lastSuccessfulSyncAt) return 'initial';
  return message.trigger;
};

export const recentlySynced = (integration: Integration, now: number, minIntervalMinutes: number): boolean =>
  integration.lastSuccessfulSyncAt !== undefined &&
  now - Date.parse(integration.lastSuccessfulSyncAt) < minIntervalMinutes * 60_000;

/**
 * Watermarks advance only for the resources this run completed; a refused resource keeps no
 * watermark, so once the scope is granted it is synced in full.
 */
const resourceSyncState = (
  integration: Integration,
  progress: SyncProgress,
  startedAt: string,
): ResourceSyncState => {
  const syncWatermarks: Record<string, string> = { ...integration.syncWatermarks };
  const { resourceAttention } = runAttention(progress);
  for (const [name, resource] of Object.entries(progress.resources)) {
    if (resource.status === 'completed') syncWatermarks[name] = startedAt;
    if (resource.status === 'needs-attention') delete syncWatermarks[name];
  }
  return { syncWatermarks, resourceAttention };
};

/** The resources a run did not sync, with why, and (MISSING_SCOPE) the scopes each lacks. */
const runAttention = (progress: SyncProgress) => {
  const resourceAttention: Record<string, string> = {};
  const missingScopes: Record<string, readonly string[]> = {};
  for (const [name, resource] of Object.entries(progress.resources)) {
    if (resource.status !== 'needs-attention') continue;
    resourceAttention[name] = resource.attentionReason ?? 'UNKNOWN';
    if (resource.missingScopes) missingScopes[name] = resource.missingScopes;
  }
  return { resourceAttention, missingScopes };
};

/** For `Sync Completed`: present only when some resource was not synced. */
const attentionDetail = (
  progress: SyncProgress,
): { resourceAttention?: Record<string, string>; missingScopes?: Record<string, string[]> } => {
  const { resourceAttention, missingScopes } = runAttention(progress);
  if (Object.keys(resourceAttention).length === 0) return {};
  return {
    resourceAttention,
    ...(Object.keys(missingScopes).length > 0 && { missingScopes: scopeLists(missingScopes) }),
  };
};

const hasWorkLeft = (progress: SyncProgress): boolean =>
  Object.values(progress.resources).some(
    (resource) => resource.status !== 'completed' && resource.status !== 'needs-attention',
  );

/**
 * Marks the resources still to sync that lack scopes: needs-attention, MISSING_SCOPE, and the
 * scopes to grant. Undefined when none changed. Their checkpoints are dropped with them: once
 * granted, they are synced in full (they keep no watermark).
 */
export const withMissingScopes = (
  progress: SyncProgress,
  missingScopes: MissingScopes,
): SyncProgress | undefined => {
  const resources = { ...progress.resources };
  let marked = false;
  for (const [name, scopes] of Object.entries(missingScopes)) {
    const resource = resources[name];
    if (!resource || resource.status === 'completed' || resource.status === 'needs-attention') continue;
    resources[name] = {
      ...resource,
      status: 'needs-attention',
      attentionReason: MISSING_SCOPE,
      missingScopes: scopes,
    };
    marked = true;
  }
  return marked ? { ...progress, resources } : undefined;
};

/** Log fields of a finished run: per resource `seen/written/stale/redacted/invalid`, and the cost. */
const summaryOf = (progress: SyncProgress) => ({
  resources: Object.fromEntries(
    Object.entries(progress.resources).map(([name, { checkpoint: _checkpoint, ...counters }]) => [
      name,
      counters,
    ]),
  ),
  ...progress.calls,
});
