/**
 * Manual sync and sync history routes of the IAM-authorised API:
 *   POST /integrations/{integrationId}/sync[?force=true]
 *        202 { status: 'queued', runId }                    a run was recorded and enqueued
 *        200 { status: 'skipped', reason: 'RECENTLY_SYNCED', lastSuccessfulSyncAt, nextEligibleAt }
 *            synced within MIN_SYNC_INTERVAL_MINUTES; `force=true` bypasses the interval
 *        404 unknown integration · 409 INTEGRATION_NOT_ACTIVE · 409 SYNC_IN_PROGRESS (names the run)
 *   GET  /integrations/{integrationId}/sync-runs?limit=1..100&cursor=   newest first, opaque cursor
 *   GET  /integrations/{integrationId}/sync-runs/{runId}
 */
import type { Router } from '@aws-lambda-powertools/event-handler/http';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import type {
  IntegrationReader,
  SyncQueue,
  SyncRunRepository,
  SyncStateRepository,
} from '../../core/sync/ports.js';
import { integrationIdSchema } from '../../core/integrations/connect-request.js';
import { parseWith } from '../../core/validation.js';
import { requestManualSync } from '../../core/sync/request-sync.js';
import type { SyncConfig } from '../../core/sync/run-sync.js';
import type { SyncRun } from '../../core/sync/sync-run.js';
import { json } from './json.js';

export interface SyncRouteDeps {
  readonly integrations: IntegrationReader;
  readonly runs: SyncRunRepository;
  readonly state: SyncStateRepository;
  readonly queue: SyncQueue;
  readonly now?: () => number;
  readonly config: Pick<SyncConfig, 'minSyncIntervalMinutes' | 'runRetentionDays'>;
}

export const syncPath = z.object({ integrationId: integrationIdSchema });
export const runPath = z.object({
  integrationId: integrationIdSchema,
  runId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not a run id'),
});
export const syncQuery = z.object({ force: z.enum(['true', 'false']).default('false') });
export const listRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

/** What the API shows of a run: everything but the TTL attribute. */
export const runView = ({ expiresAt: _ttl, ...run }: SyncRun) => run;

export const registerSyncRoutes = (app: Router, deps: SyncRouteDeps): void => {
  const now = deps.now ?? Date.now;

  const requireIntegration = async (integrationId: string) => {
    if (!(await deps.integrations.get(integrationId)))
      throw new NotFoundError(`Integration ${integrationId}`);
  };

  app.post('/integrations/:integrationId/sync', async ({ params, req }) => {
    const { integrationId } = parseWith(syncPath, params, 'path parameters');
    const { force } = parseWith(syncQuery, queryOf(req), 'query parameters');
    const answer = await requestManualSync({ integrationId, force: force === 'true' }, { ...deps, now });
    return json(answer.status === 'queued' ? 202 : 200, answer);
  });

  app.get('/integrations/:integrationId/sync-runs', async ({ params, req }) => {
    const { integrationId } = parseWith(syncPath, params, 'path parameters');
    const { limit, cursor } = parseWith(listRunsQuery, queryOf(req), 'query parameters');
    await requireIntegration(integrationId);
    const page = await deps.runs.list(integrationId, { limit, cursor });
    return json(200, {
      items: page.items.map(runView),
      // Present and null at the end, as in every listing of this API.
      nextCursor: page.nextCursor ?? null,
    });
  });

  app.get('/integrations/:integrationId/sync-runs/:runId', async ({ params }) => {
    const { integrationId, runId } = parseWith(runPath, params, 'path parameters');
    const run = await deps.runs.get(integrationId, runId);
    if (!run) throw new NotFoundError(`Sync run ${runId}`);
    return json(200, runView(run));
  });
};
