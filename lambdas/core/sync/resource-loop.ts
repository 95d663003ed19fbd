/**
 * The resource loop of a run: the resources a deployment mirrors, one after another, each from
 * its own checkpoint, paged or in bulk. A resource Shopify refuses (a scope the store did not
 * grant) needs attention while the others go on; a resource that must pause hands the run on to
 * a continuation message, and the loop ends there.
 */
import type { BulkResultReader } from '../bulk/ports.js';
import type { BackendEvents } from '../events/backend-events.js';
import {
  type GrantedScopesStore,
  MISSING_SCOPE,
  type MissingScopes,
  newlyGrantedResources,
  recordGrantedScopes,
  type ScopeRequirements,
} from '../integrations/granted-scopes.js';
import type { Integration } from '../integrations/integration.js';
import { countShopifyRecords, fetchGrantedScopes } from '../integrations/shop-admin.js';
import type { Logger } from '../logger.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordWriter, ResourceDefinition } from '../../resources/kit/definition.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import type { SyncConfig } from '../sync-config.js';
import { syncResourceInBulk } from './bulk-sync.js';
import { errorSummary, isResourceAccessDenied } from './errors.js';
import type { SyncQueue } from './ports.js';
import {
  addCallStats,
  type ResourceProgress,
  type ResourceStep,
  type ResourceSyncResult,
  type SyncProgress,
} from './progress.js';
import type { RunLease } from './run-lease.js';
import { syncResource } from './sync-engine.js';
import { type ProbeAnswer, probeable, probeStore } from './sync-probe.js';

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

/** What the resource loop needs of the run's dependencies (run-sync.ts's SyncDeps has them all). */
export interface ResourceLoopDeps {
  /** Synced one after another, in this order, each from its own checkpoint. */
  readonly resources: readonly SyncedResource[];
  readonly queue: SyncQueue;
  readonly config: SyncConfig;
  readonly logger: Logger;
  readonly now: () => number;
  /** Reads bulk operation results; without it every sync is paged. */
  readonly bulkResults?: BulkResultReader;
  /** Waits between polls of a running bulk operation (tests pass a short one). */
  readonly bulkPollDelayMs?: number;
  readonly events?: BackendEvents;
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

/**
 * The run's progress as this invocation last saved it. Every save renews the lease: a run that
 * lost it stops after the page it was writing.
 */
export class RunProgress {
  constructor(
    private saved: SyncProgress,
    private readonly persist: (progress: SyncProgress) => Promise<void>,
  ) {}

  get current(): SyncProgress {
    return this.saved;
  }

  async save(next: SyncProgress): Promise<void> {
    this.saved = next;
    await this.persist(next);
  }

  /** Progress that need not outlive this invocation: what it says is found again if it crashes. */
  settle(next: SyncProgress): void {
    this.saved = next;
  }

  /** One resource's step, with the run's call costs it carries. */
  withStep(name: string, step: ResourceStep): SyncProgress {
    return { resources: { ...this.saved.resources, [name]: step.resource }, calls: step.calls };
  }
}

/** One invocation's pass over the resources. */
export interface ResourceLoop {
  readonly integration: Integration;
  readonly runId: string;
  /** This invocation's number in its run: a bulk wait's continuation names it. */
  readonly invocation: number;
  readonly graphql: ShopifyGraphql;
  readonly lease: RunLease;
  readonly progress: RunProgress;
  /** True when the invocation has too little time left for another page. */
  readonly shouldPause: () => boolean;
  readonly deps: ResourceLoopDeps;
}

/** How an invocation's pass ended; a completed one carries the counts its probe took. */
export type ResourceLoopOutcome =
  | { readonly outcome: 'completed'; readonly shopifyCounts: Readonly<Record<string, number>> }
  | { readonly outcome: 'paused' };

/** Syncs every resource with work left; `paused` once one handed the run to a continuation. */
export async function syncResources(loop: ResourceLoop): Promise<ResourceLoopOutcome> {
  const probed = hasWorkLeft(loop.progress.current) ? await probeFirst(loop) : undefined;
  for (const synced of loop.deps.resources) {
    const resource = loop.progress.current.resources[synced.definition.name]!;
    if (resource.status === 'completed' || resource.status === 'needs-attention') continue;
    const result = await syncOrRefuse(loop, synced, resource);
    if (result?.outcome === 'paused') {
      await continueLater(loop, synced.definition.name, result);
      return { outcome: 'paused' };
    }
  }
  return { outcome: 'completed', shopifyCounts: probed?.counts ?? {} };
}

/**
 * The probe (sync-probe.ts): the grant checked, and every resource with nothing new since its
 * watermark completed without a page. A resource Shopify refuses makes the whole probe fail: the
 * run then checks the scopes alone and pages every resource, which tells which one it was.
 */
const probeFirst = async (loop: ResourceLoop): Promise<ProbeAnswer | undefined> => {
  const { deps, integration, progress } = loop;
  const known = { ...integration.missingScopes, ...integration.resourceAttention };
  const candidates = deps.resources
    .map(({ definition }) => ({ definition, progress: progress.current.resources[definition.name]! }))
    .filter(
      ({ definition }) =>
        !(definition.name in known) && probeable(progress.current.resources[definition.name]!),
    );
  let answer: ProbeAnswer | undefined;
  try {
    // Nothing to probe (an initial sync, a continuation): the scope check alone, if any.
    if (candidates.length > 0) answer = await probeStore(loop.graphql, candidates);
  } catch (error) {
    if (!isResourceAccessDenied(error)) throw error;
  }
  if (deps.scopes)
    await checkGrantedScopes(
      loop,
      deps.scopes,
      answer?.grantedScopes ?? (await fetchGrantedScopes(loop.graphql)),
    );
  if (answer) progress.settle(withUnchanged(progress.current, answer));
  return answer;
};

/**
 * The probe's unchanged resources completed with nothing seen, its cost added to the run's.
 * Not saved on its own: the run's end saves it, and a crash before then probes again.
 */
const withUnchanged = (current: SyncProgress, { unchanged, stats }: ProbeAnswer): SyncProgress => {
  const resources = { ...current.resources };
  for (const name of unchanged) {
    const resource = resources[name]!;
    // A scope the probe found missing took the resource out of the sync: it stays so.
    if (resource.status === 'pending') resources[name] = { ...resource, status: 'completed' };
  }
  return { resources, calls: addCallStats(current.calls, stats) };
};

/** One resource's sync; undefined when Shopify refused it (recorded: it needs attention). */
const syncOrRefuse = async (
  loop: ResourceLoop,
  synced: SyncedResource,
  resource: ResourceProgress,
): Promise<ResourceSyncResult | undefined> => {
  try {
    return await syncOne(loop, synced, resource);
  } catch (error) {
    if (!isResourceAccessDenied(error)) throw error;
    // A missing scope for this resource only: record it and go on with the others.
    const { name } = synced.definition;
    const { progress } = loop;
    const refused = { ...progress.current.resources[name]!, status: 'needs-attention' as const };
    await progress.save(
      progress.withStep(name, {
        resource: { ...refused, attentionReason: error.reason },
        calls: progress.current.calls,
      }),
    );
    loop.deps.logger.warn('Shopify denied a resource; it needs attention, the others keep syncing', {
      integrationId: loop.integration.integrationId,
      runId: loop.runId,
      resource: name,
      reason: error.reason,
      // Shopify's own words (which scope or data it wants); never a payload.
      error: errorSummary(error),
    });
    return undefined;
  }
};

const syncOne = async (
  loop: ResourceLoop,
  { definition, writer }: SyncedResource,
  resource: ResourceProgress,
): Promise<ResourceSyncResult> => {
  const { deps, integration, graphql, progress } = loop;
  const { config } = deps;
  const common = {
    definition,
    writer,
    graphql,
    owner: {
      organizationId: integration.organizationId,
      integrationId: integration.integrationId,
      shopDomain: integration.shopDomain,
    },
    progress: { resource, calls: progress.current.calls },
    writeConcurrency: config.writeConcurrency,
    shouldPause: loop.shouldPause,
    logger: deps.logger,
    saveProgress: (step: ResourceStep) => progress.save(progress.withStep(definition.name, step)),
  };
  if (!deps.bulkResults || !(await useBulk(definition, resource, graphql, config.bulkThreshold)))
    return syncResource({ ...common, maxObjectsPerQuery: config.maxObjectsPerQuery });
  return syncResourceInBulk({
    ...common,
    results: deps.bulkResults,
    ...(deps.bulkPollDelayMs !== undefined && {
      firstPollDelayMs: deps.bulkPollDelayMs,
      maxPollDelayMs: deps.bulkPollDelayMs,
    }),
    ...(config.bulkWaitInInvocationMs !== undefined && { waitInInvocationMs: config.bulkWaitInInvocationMs }),
    now: deps.now,
  });
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

/**
 * The continuation is a new invocation of this run: it may take the lease, no one else. A run
 * waiting for its bulk operation is continued by BULK_OPERATIONS_FINISH or, failing that, by a
 * delayed poll; any other pause goes on at once.
 */
const continueLater = async (
  { deps, integration, runId, invocation, lease }: ResourceLoop,
  resource: string,
  result: Extract<ResourceSyncResult, { outcome: 'paused' }>,
): Promise<void> => {
  const { integrationId } = integration;
  await lease.handOff();
  const waiting = result.waitingForOperation !== undefined;
  const sent = waiting
    ? await deps.queue.send(
        [{ integrationId, trigger: 'continuation', runId, afterInvocation: invocation }],
        {
          delaySeconds: deps.config.bulkWakeFallbackSeconds ?? 60,
        },
      )
    : await deps.queue.send([{ integrationId, trigger: 'continuation', runId }]);
  // Not enqueued: fail this delivery so SQS redelivers it; it resumes from the same checkpoint.
  if (sent.failed.length > 0) throw new Error(`Continuation not enqueued: ${sent.failed[0]!.reason}`);
  deps.logger.info(waiting ? 'Sync waits for its bulk operation' : 'Sync paused for a continuation', {
    integrationId,
    runId,
    resource,
    pages: result.progress.resource.pages,
    ...(waiting && { operationId: result.waitingForOperation }),
  });
};

/**
 * Records what Shopify granted: a resource that lacks scopes is marked needs-attention and never
 * queried; one that has them again is announced to `onGranted`.
 */
const checkGrantedScopes = async (
  { deps, integration, runId, progress }: ResourceLoop,
  scopes: NonNullable<ResourceLoopDeps['scopes']>,
  grantedScopes: readonly string[],
): Promise<void> => {
  const { logger } = deps;
  const { integrationId } = integration;
  const grant = await recordGrantedScopes(
    integration,
    grantedScopes,
    { ...scopes, logger, now: deps.now, ...(deps.events && { events: deps.events }) },
    { runId },
  );
  const { missingScopes } = grant;
  const granted = newlyGrantedResources(integration.missingScopes, missingScopes);
  if (granted.length > 0 && scopes.onGranted) {
    logger.info('Access scopes granted; those resources sync again', { integrationId, runId, granted });
    await scopes.onGranted({ ...integration, ...grant }).catch((error: unknown) =>
      logger.warn('After-grant step failed; the daily health check does it', {
        integrationId,
        runId,
        error: errorSummary(error),
      }),
    );
  }
  const marked = withMissingScopes(progress.current, missingScopes);
  if (!marked) return;
  await progress.save(marked);
  logger.warn('Resources without their access scopes are not synced; the others are', {
    integrationId,
    runId,
    missingScopes,
  });
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
