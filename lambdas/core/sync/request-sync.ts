import { NotFoundError } from '../errors.js';
import { IntegrationNotActiveError, SyncInProgressError } from './errors.js';
import type { IntegrationReader, SyncQueue, SyncRunRepository, SyncStateRepository } from './ports.js';
import type { SyncConfig } from '../sync-config.js';
import { recentlySynced } from './run-sync.js';
import { newRunId } from './sync-run.js';

export type ManualSyncAnswer =
  | { readonly status: 'queued'; readonly runId: string }
  | {
      readonly status: 'skipped';
      readonly reason: 'RECENTLY_SYNCED';
      readonly lastSuccessfulSyncAt: string;
      readonly nextEligibleAt: string;
    };

/**
 * A manual sync request (POST /integrations/{id}/sync):
 * - unknown integration → NotFoundError (404); not ACTIVE → IntegrationNotActiveError (409)
 * - a sync already holds the lease → SyncInProgressError (409, names the running run); `force`
 *   does not override this: two runs of one store never overlap
 * - synced within MIN_SYNC_INTERVAL_MINUTES and not `force` → `skipped` (200), nothing queued
 * - otherwise a `queued` run is recorded and enqueued → `queued` (202) with its runId
 */
export async function requestManualSync(
  request: {
    readonly integrationId: string;
    readonly force: boolean;
    /** 'initial' for the first sync after a connect; the run history tells them apart. */
    readonly trigger?: 'manual' | 'initial';
  },
  deps: {
    readonly integrations: IntegrationReader;
    readonly runs: SyncRunRepository;
    readonly state: SyncStateRepository;
    readonly queue: SyncQueue;
    readonly now: () => number;
    readonly config: Pick<SyncConfig, 'minSyncIntervalMinutes' | 'runRetentionDays'>;
  },
): Promise<ManualSyncAnswer> {
  const integration = await deps.integrations.get(request.integrationId);
  if (!integration) throw new NotFoundError(`Integration ${request.integrationId}`);
  if (integration.status !== 'ACTIVE')
    throw new IntegrationNotActiveError(integration.status, integration.statusReason);
  const now = deps.now();
  const holder = await deps.state.leaseHolder(integration.integrationId, new Date(now).toISOString());
  if (holder) throw new SyncInProgressError(holder);
  if (!request.force && recentlySynced(integration, now, deps.config.minSyncIntervalMinutes)) {
    const last = integration.lastSuccessfulSyncAt!;
    return {
      status: 'skipped',
      reason: 'RECENTLY_SYNCED',
      lastSuccessfulSyncAt: last,
      nextEligibleAt: new Date(Date.parse(last) + deps.config.minSyncIntervalMinutes * 60_000).toISOString(),
    };
  }
  const runId = newRunId(now);
  const trigger = request.trigger ?? 'manual';
  await deps.runs.createIfAbsent({
    integrationId: integration.integrationId,
    runId,
    trigger,
    status: 'queued',
    queuedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(now / 1000) + deps.config.runRetentionDays * 86_400,
  });
  const sent = await deps.queue.send([{ integrationId: integration.integrationId, trigger, runId }]);
  if (sent.failed.length > 0) {
    await deps.runs.finish(integration.integrationId, runId, {
      status: 'failed',
      finishedAt: new Date(deps.now()).toISOString(),
      lastError: `Not enqueued: ${sent.failed[0]!.reason}`,
    });
    throw new Error('The sync could not be enqueued');
  }
  return { status: 'queued', runId };
}
