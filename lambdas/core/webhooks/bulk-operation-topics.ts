/**
 * BULK_OPERATIONS_FINISH: Shopify's word that a bulk operation ended (completed, failed,
 * canceled). A bulk sync that found its operation still running hands the wait on instead of
 * sleeping through it in a billed invocation (bulk-sync.ts, `waitingForOperation`): its run keeps
 * the store's lease, handed off, with a continuation delayed by the fallback poll interval. This
 * topic continues such a run at once.
 *
 * The body is signed, the shop header is not, so nothing here trusts more than the signature
 * gives: the operation id must be the one the shop's own waiting run is waiting for, and all that
 * happens is one more continuation of that run, which the run's own checks make harmless when it
 * is late or repeated (a run that moved on drops it: `afterInvocation`, run-sync.ts).
 */
import * as z from 'zod';
import type { SyncLeaseView, SyncQueue, SyncRunRepository } from '../sync/ports.js';
import { isTerminal, type SyncRun } from '../sync/sync-run.js';
import { defineTopic, type TopicDefinitions } from './topic-registry.js';

/** The REST body (webhook API version 2026-10); only the id decides anything. */
export const bulkOperationFinishPayloadSchema = z.object({
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/BulkOperation\/\d{1,20}$/),
  status: z.string().min(1).max(32),
  error_code: z.string().max(64).nullable().optional(),
  type: z.string().max(32).optional(),
  created_at: z.string().max(64).optional(),
  completed_at: z.string().max(64).nullable().optional(),
});

export interface BulkWakeDeps {
  readonly leases: { lease(integrationId: string): Promise<SyncLeaseView | undefined> };
  readonly runs: Pick<SyncRunRepository, 'get'>;
  readonly queue: SyncQueue;
  readonly now?: () => number;
}

export const BULK_OPERATIONS_FINISH = 'bulk_operations/finish';

/** The resource of `run` whose bulk checkpoint waits for `operationId` (started, no URL yet). */
const awaits = (run: SyncRun, operationId: string): boolean =>
  Object.values(run.resources ?? {}).some(
    ({ checkpoint }) => checkpoint.bulk?.operationId === operationId && checkpoint.bulk.url === null,
  );

export const bulkOperationTopics = (deps: BulkWakeDeps): TopicDefinitions => ({
  [BULK_OPERATIONS_FINISH]: defineTopic({
    payload: bulkOperationFinishPayloadSchema,
    handle: async (_delivery, integration, payload) => {
      const { integrationId } = integration;
      const now = new Date((deps.now ?? Date.now)()).toISOString();
      const lease = await deps.leases.lease(integrationId);
      if (!lease || lease.expiresAt < now) return { outcome: 'ignored', reason: 'no-sync-waiting' };
      // An invocation at work polls its operation itself.
      if (lease.holder !== undefined) return { outcome: 'ignored', reason: 'sync-at-work' };
      const run = await deps.runs.get(integrationId, lease.runId);
      if (!run || isTerminal(run.status) || !awaits(run, payload.admin_graphql_api_id))
        return { outcome: 'ignored', reason: 'operation-not-awaited' };
      const sent = await deps.queue.send([
        { integrationId, trigger: 'continuation', runId: run.runId, afterInvocation: run.invocations ?? 1 },
      ]);
      // Not enqueued: a 5xx, and Shopify delivers again (the fallback poll comes all the same).
      if (sent.failed.length > 0) throw new Error(`Wake-up not enqueued: ${sent.failed[0]!.reason}`);
      return { outcome: 'written' };
    },
  }),
});
