/**
 * The sync's ports (lambdas/core/sync/ports.ts) as one contract: the lease, the watermark and
 * the run's transitions, run against the in-memory implementations in a unit test and the
 * DynamoDB ones on DynamoDB Local in an integration test.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Integration } from '../../lambdas/core/integrations/integration.js';
import type {
  IntegrationReader,
  SyncRunRepository,
  SyncStateRepository,
} from '../../lambdas/core/sync/ports.js';

export interface SyncPortsUnderTest {
  readonly integrations: IntegrationReader;
  readonly state: SyncStateRepository;
  readonly runs: SyncRunRepository;
  /** Stores an integration as the connect flow would. */
  put(integration: Integration): Promise<void>;
}

const T0 = '2026-03-01T00:00:00.000Z';
const LATER = '2026-03-01T00:05:00.000Z';
const LAPSED = '2026-03-01T00:10:00.000Z';

export const syncPortsContract = (implementation: string, open: () => SyncPortsUnderTest): void => {
  describe(`the sync ports (${implementation})`, () => {
    const connected = async (ports: SyncPortsUnderTest, changes: Partial<Integration> = {}) => {
      const integrationId = `int-${randomUUID()}`;
      await ports.put({
        integrationId,
        organizationId: 'org-1',
        shopDomain: `${integrationId}.myshopify.com`,
        status: 'ACTIVE',
        encryptedAccessToken: 'ciphertext',
        createdAt: T0,
        updatedAt: T0,
        ...changes,
      });
      return integrationId;
    };

    it('one run holds the store at a time, until it releases the lease or the lease lapses', async () => {
      const ports = open();
      const id = await connected(ports);
      expect(await ports.state.acquireLease(id, 'RUN-A', 'h1', T0, LATER)).toEqual({ acquired: true });
      expect(await ports.state.acquireLease(id, 'RUN-B', 'h2', T0, LATER)).toEqual({
        acquired: false,
        holderRunId: 'RUN-A',
      });
      expect(await ports.state.leaseHolder(id, T0)).toBe('RUN-A');
      expect(await ports.state.acquireLease(id, 'RUN-B', 'h2', LAPSED, LAPSED)).toEqual({ acquired: true });
      await ports.state.releaseLease(id, 'RUN-A');
      expect(await ports.state.leaseHolder(id, LAPSED)).toBe('RUN-B');
      await ports.state.releaseLease(id, 'RUN-B');
      expect(await ports.state.leaseHolder(id, LAPSED)).toBeUndefined();
    });

    it('another invocation of the same run waits, unless the holder handed the lease off', async () => {
      const ports = open();
      const id = await connected(ports);
      await ports.state.acquireLease(id, 'RUN-A', 'h1', T0, LATER);
      expect(await ports.state.acquireLease(id, 'RUN-A', 'h2', T0, LATER)).toMatchObject({ acquired: false });
      await ports.state.handOffLease(id, 'RUN-A', 'h1');
      expect(await ports.state.renewLease(id, 'RUN-A', 'h1', LATER)).toMatchObject({ acquired: false });
      expect(await ports.state.acquireLease(id, 'RUN-A', 'h2', T0, LATER)).toEqual({ acquired: true });
      expect(await ports.state.renewLease(id, 'RUN-A', 'h2', LAPSED)).toEqual({ acquired: true });
    });

    it('a released lease is never renewed back into existence', async () => {
      const ports = open();
      const id = await connected(ports);
      await ports.state.acquireLease(id, 'RUN-A', 'h1', T0, LATER);
      await ports.state.releaseLease(id, 'RUN-A');
      expect(await ports.state.renewLease(id, 'RUN-A', 'h1', LATER)).toMatchObject({ acquired: false });
      expect(await ports.state.leaseHolder(id, T0)).toBeUndefined();
    });

    it('completing a sync advances the watermark, never backwards, and releases the lease', async () => {
      const ports = open();
      const id = await connected(ports);
      const resources = { syncWatermarks: { customers: LATER }, resourceAttention: {} };
      await ports.state.acquireLease(id, 'RUN-A', 'h1', T0, LATER);
      expect(await ports.state.completeSync(id, 'RUN-A', LATER, resources)).toBe(true);
      expect(await ports.integrations.get(id)).toMatchObject({
        lastSuccessfulSyncAt: LATER,
        syncWatermarks: resources.syncWatermarks,
      });
      expect(await ports.state.leaseHolder(id, T0)).toBeUndefined();
      await ports.state.acquireLease(id, 'RUN-B', 'h2', T0, LAPSED);
      expect(await ports.state.completeSync(id, 'RUN-B', T0, resources)).toBe(false);
      expect((await ports.integrations.get(id))?.lastSuccessfulSyncAt).toBe(LATER);
      expect(await ports.state.leaseHolder(id, T0)).toBeUndefined();
      expect(await ports.state.completeSync(id, 'RUN-C', LAPSED, resources)).toBe(false);
    });

    it('only an ACTIVE store is flagged, and only a claimed uninstall is confirmed', async () => {
      const ports = open();
      const id = await connected(ports);
      expect(await ports.state.confirmUninstall(id, T0, LATER)).toBe(false);
      expect(await ports.state.markNeedsAttention(id, 'SHOPIFY_UNAUTHORIZED', LATER)).toBe(true);
      expect(await ports.state.markNeedsAttention(id, 'SHOPIFY_UNAUTHORIZED', LATER)).toBe(false);
      expect(await ports.integrations.get(id)).toMatchObject({
        status: 'NEEDS_ATTENTION',
        statusReason: 'SHOPIFY_UNAUTHORIZED',
      });
      const claimed = await connected(ports, { uninstallClaimedAt: T0 });
      expect(await ports.state.confirmUninstall(claimed, T0, LATER)).toBe(true);
      const uninstalled = await ports.integrations.get(claimed);
      expect(uninstalled).toMatchObject({
        status: 'INACTIVE',
        statusReason: 'app-uninstalled',
        uninstalledAt: T0,
      });
      expect(uninstalled).not.toHaveProperty('uninstallClaimedAt');
    });

    it('a run moves queued → running → terminal once; a DLQ redrive re-opens only its own failure', async () => {
      const ports = open();
      const integrationId = await connected(ports);
      const run = {
        integrationId,
        runId: 'RUN-1',
        trigger: 'manual',
        status: 'queued',
        queuedAt: T0,
        expiresAt: 1,
      } as const;
      expect(await ports.runs.createIfAbsent(run)).toMatchObject({ status: 'queued' });
      expect(await ports.runs.markRunning(integrationId, 'RUN-1', T0)).toMatchObject({
        status: 'running',
        startedAt: T0,
        invocations: 1,
      });
      expect(await ports.runs.createIfAbsent(run)).toMatchObject({ status: 'running' });
      expect(await ports.runs.markRunning(integrationId, 'RUN-1', LATER)).toMatchObject({
        startedAt: T0,
        invocations: 2,
      });
      const failed = {
        status: 'failed',
        finishedAt: LATER,
        lastError: 'boom',
        exhaustedMessageId: 'm-1',
      } as const;
      expect(await ports.runs.finish(integrationId, 'RUN-1', failed)).toBe(true);
      expect(
        await ports.runs.finish(integrationId, 'RUN-1', { status: 'succeeded', finishedAt: LAPSED }),
      ).toBe(false);
      await ports.runs.recordRetry(integrationId, 'RUN-1', { lastError: 'late', nextAttemptAt: LAPSED });
      expect(await ports.runs.get(integrationId, 'RUN-1')).toMatchObject({
        status: 'failed',
        lastError: 'boom',
      });
      expect(await ports.runs.reopen(integrationId, 'RUN-1', 'm-2', LAPSED)).toBe(false);
      expect(await ports.runs.reopen(integrationId, 'RUN-1', 'm-1', LAPSED)).toBe(true);
      const reopened = await ports.runs.get(integrationId, 'RUN-1');
      expect(reopened).toMatchObject({ status: 'resumed', resumedAt: LAPSED, lastError: 'boom' });
      expect(reopened).not.toHaveProperty('finishedAt');
      expect(reopened).not.toHaveProperty('exhaustedMessageId');
    });

    it('lists a store’s runs newest first, page by page, never another store’s', async () => {
      const ports = open();
      const integrationId = await connected(ports);
      const other = await connected(ports);
      for (const [id, runId] of [
        [integrationId, '01A'],
        [integrationId, '01C'],
        [integrationId, '01B'],
        [other, '01D'],
      ] as const)
        await ports.runs.createIfAbsent({
          integrationId: id,
          runId,
          trigger: 'schedule',
          status: 'queued',
          queuedAt: T0,
          expiresAt: 1,
        });
      const first = await ports.runs.list(integrationId, { limit: 2 });
      expect(first.items.map((run) => run.runId)).toEqual(['01C', '01B']);
      const rest = await ports.runs.list(integrationId, { limit: 2, cursor: first.nextCursor! });
      expect(rest.items.map((run) => run.runId)).toEqual(['01A']);
    });
  });
};
