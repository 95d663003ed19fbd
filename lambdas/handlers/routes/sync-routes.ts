/**
 * Manual sync and sync history routes of the IAM-authorised API, under the integration's
 * organization (…/ = /organizations/{organizationId}/integrations/{integrationId}/; another
 * organization's integration is a 404):
 *   POST …/sync[?force=true]
 *        202 { status: 'queued', runId }                    a run was recorded and enqueued
 *        200 { status: 'skipped', reason: 'RECENTLY_SYNCED', lastSuccessfulSyncAt, nextEligibleAt }
 *            synced within MIN_SYNC_INTERVAL_MINUTES; `force=true` bypasses the interval
 *        404 unknown integration · 409 INTEGRATION_NOT_ACTIVE · 409 SYNC_IN_PROGRESS (names the run)
 *   GET  …/sync-runs?limit=1..100&cursor=   newest first, opaque cursor
 *   GET  …/sync-runs/{runId}
 *   GET  …/webhook-deliveries?hours=1..192  verified deliveries per UTC hour, oldest first, zeros included
 */
import type { ApiRouter } from './route-table.js';
import * as z from 'zod';
import { NotFoundError } from '../../core/errors.js';
import { requireIntegration } from '../../core/integrations/manage.js';
import type {
  IntegrationReader,
  SyncQueue,
  SyncRunRepository,
  SyncStateRepository,
} from '../../core/sync/ports.js';
import { parseWith } from '../../core/validation.js';
import { requestManualSync } from '../../core/sync/request-sync.js';
import type { SyncConfig } from '../../core/sync-config.js';
import type { SyncRun } from '../../core/sync/sync-run.js';
import {
  DELIVERY_HOURS_RETENTION_DAYS,
  hourOf,
  hourlySeries,
  type WebhookDeliveryCounts,
} from '../../core/webhooks/delivery-counts.js';
import { json } from './json.js';
import { integrationPath, integrationRoute, runPath } from './path-parameters.js';

export interface SyncRouteDeps {
  readonly integrations: IntegrationReader;
  readonly runs: SyncRunRepository;
  readonly state: SyncStateRepository;
  readonly queue: SyncQueue;
  readonly now?: () => number;
  readonly config: Pick<SyncConfig, 'minSyncIntervalMinutes' | 'runRetentionDays'>;
  /** Hourly webhook delivery counters (written by the webhook path). */
  readonly deliveries?: WebhookDeliveryCounts;
}

/** The sync routes' path is the integration's (schemas exported for the OpenAPI contract). */
export { integrationPath as syncPath, runPath } from './path-parameters.js';
export const syncQuery = z.object({ force: z.enum(['true', 'false']).default('false') });
export const listRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});
export const deliveryHoursQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(DELIVERY_HOURS_RETENTION_DAYS * 24)
    .default(48),
});

const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

/** What the API shows of a run: everything but the TTL attribute. */
export const runView = ({ expiresAt: _ttl, ...run }: SyncRun) => run;

export const registerSyncRoutes = (app: ApiRouter, deps: SyncRouteDeps): void => {
  const now = deps.now ?? Date.now;

  app.post(`${integrationRoute}/sync`, async ({ params, req }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const { force } = parseWith(syncQuery, queryOf(req), 'query parameters');
    const { integrationId } = await requireIntegration(deps.integrations, key);
    const answer = await requestManualSync({ integrationId, force: force === 'true' }, { ...deps, now });
    return json(answer.status === 'queued' ? 202 : 200, answer);
  });

  app.get(`${integrationRoute}/sync-runs`, async ({ params, req }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const { limit, cursor } = parseWith(listRunsQuery, queryOf(req), 'query parameters');
    const { integrationId } = await requireIntegration(deps.integrations, key);
    const page = await deps.runs.list(integrationId, { limit, cursor });
    return json(200, {
      items: page.items.map(runView),
      // Present and null at the end, as in every listing of this API.
      nextCursor: page.nextCursor ?? null,
    });
  });

  app.get(`${integrationRoute}/sync-runs/:runId`, async ({ params }) => {
    const { runId, ...key } = parseWith(runPath, params, 'path parameters');
    const { integrationId } = await requireIntegration(deps.integrations, key);
    const run = await deps.runs.get(integrationId, runId);
    if (!run) throw new NotFoundError(`Sync run ${runId}`);
    return json(200, runView(run));
  });

  app.get(`${integrationRoute}/webhook-deliveries`, async ({ params, req }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const { hours } = parseWith(deliveryHoursQuery, queryOf(req), 'query parameters');
    const { integrationId } = await requireIntegration(deps.integrations, key);
    const at = now();
    const from = new Date(Date.parse(hourOf(at)) - (hours - 1) * 3_600_000).toISOString();
    const recorded = deps.deliveries ? await deps.deliveries.hoursSince(integrationId, from) : [];
    return json(200, { hours: hourlySeries(recorded, { now: at, hours }) });
  });
};
