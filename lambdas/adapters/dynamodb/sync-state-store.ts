/**
 * Sync bookkeeping on the Integrations table item, kept apart from integration-store.ts (which
 * owns the integration's own fields): the one-run-at-a-time lease, the watermark, and the
 * needs-attention flag, and the per-resource watermarks and attention. Every write is one conditional UpdateItem.
 *
 * Index attributes follow integration-store.ts: `syncDueKey` mirrors lastSuccessfulSyncAt so the
 * sparse `activeBySyncDue` GSI orders by it; `activePartition` exists only while ACTIVE.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { ACTIVE_PARTITION } from '../../core/integrations/integration.js';
import type { DueIntegrations } from '../../core/sync/fan-out.js';
import type { LeaseResult, SyncLeaseView, SyncStateRepository } from '../../core/sync/ports.js';
import { integrationItemUpdate } from './integration-item.js';

export const createSyncStateStore = (doc: DynamoDBDocumentClient, tableName: string): SyncStateRepository => {
  const updateIf = integrationItemUpdate(doc, tableName);

  const leases = createSyncLeaseReader(doc, tableName);
  const leaseOf = (integrationId: string) => leases.lease(integrationId);

  const leaseResult = async (integrationId: string, acquired: boolean): Promise<LeaseResult> =>
    acquired ? { acquired } : { acquired, holderRunId: (await leaseOf(integrationId))?.runId };

  // A lease that is not ours (any more) has nothing to release.
  const releaseLease = async (integrationId: string, runId: string): Promise<void> => {
    await updateIf(integrationId, {
      UpdateExpression: 'REMOVE syncLease',
      ConditionExpression: 'syncLease.runId = :runId',
      ExpressionAttributeValues: { ':runId': runId },
    });
  };

  return {
    async acquireLease(integrationId, runId, holder, now, expiresAt) {
      const acquired = await updateIf(integrationId, {
        UpdateExpression: 'SET syncLease = :lease',
        ConditionExpression:
          'attribute_exists(integrationId) AND (attribute_not_exists(syncLease) OR ' +
          'syncLease.expiresAt < :now OR ' +
          // The same run again: its own paused invocation (holder handed off) or this holder.
          '(syncLease.runId = :runId AND (attribute_not_exists(syncLease.holder) OR syncLease.holder = :holder)))',
        ExpressionAttributeValues: {
          ':lease': { runId, holder, expiresAt, renewedAt: now },
          ':now': now,
          ':runId': runId,
          ':holder': holder,
        },
      });
      return leaseResult(integrationId, acquired);
    },

    async renewLease(integrationId, runId, holder, expiresAt) {
      const renewed = await updateIf(integrationId, {
        UpdateExpression: 'SET syncLease.expiresAt = :expiresAt',
        ConditionExpression: 'syncLease.runId = :runId AND syncLease.holder = :holder',
        ExpressionAttributeValues: { ':expiresAt': expiresAt, ':runId': runId, ':holder': holder },
      });
      return leaseResult(integrationId, renewed);
    },

    async handOffLease(integrationId, runId, holder) {
      await updateIf(integrationId, {
        UpdateExpression: 'REMOVE syncLease.holder',
        ConditionExpression: 'syncLease.runId = :runId AND syncLease.holder = :holder',
        ExpressionAttributeValues: { ':runId': runId, ':holder': holder },
      });
    },

    releaseLease,

    async leaseHolder(integrationId, now) {
      const lease = await leaseOf(integrationId);
      return lease && lease.expiresAt >= now ? lease.runId : undefined;
    },

    async completeSync(integrationId, runId, startedAt, resources) {
      const advanced = await updateIf(integrationId, {
        UpdateExpression:
          'SET lastSuccessfulSyncAt = :startedAt, syncDueKey = :startedAt, lastSyncRunId = :runId, ' +
          'syncWatermarks = :watermarks, resourceAttention = :attention REMOVE syncLease',
        // The watermark never moves backwards, even if runs finish out of order.
        ConditionExpression:
          'syncLease.runId = :runId AND (attribute_not_exists(lastSuccessfulSyncAt) OR lastSuccessfulSyncAt < :startedAt)',
        ExpressionAttributeValues: {
          ':startedAt': startedAt,
          ':runId': runId,
          ':watermarks': resources.syncWatermarks,
          ':attention': resources.resourceAttention,
        },
      });
      if (!advanced) await releaseLease(integrationId, runId);
      return advanced;
    },

    async markNeedsAttention(integrationId, reason, now) {
      return updateIf(integrationId, {
        UpdateExpression:
          'SET #status = :attention, statusReason = :reason, updatedAt = :now REMOVE activePartition, syncLease',
        // Only an ACTIVE integration is flagged: an uninstall (INACTIVE) is the stronger fact.
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':attention': 'NEEDS_ATTENTION',
          ':active': 'ACTIVE',
          ':reason': reason,
          ':now': now,
        },
      });
    },

    async confirmUninstall(integrationId, uninstalledAt, now) {
      return updateIf(integrationId, {
        UpdateExpression:
          'SET #status = :inactive, statusReason = :reason, uninstalledAt = :uninstalledAt, updatedAt = :now ' +
          'REMOVE activePartition, syncLease, uninstallClaimedAt',
        ConditionExpression: '#status = :active AND attribute_exists(uninstallClaimedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':inactive': 'INACTIVE',
          ':active': 'ACTIVE',
          ':reason': 'app-uninstalled',
          ':uninstalledAt': uninstalledAt,
          ':now': now,
        },
      });
    },

    async refuteUninstallClaim(integrationId, syncStartedAt) {
      // Only a claim older than the sync's start: one that came in while it ran is still open.
      await updateIf(integrationId, {
        UpdateExpression: 'REMOVE uninstallClaimedAt',
        ConditionExpression: 'uninstallClaimedAt < :started',
        ExpressionAttributeValues: { ':started': syncStartedAt },
      });
    },

    async recordHealed(integrationId, healed, at) {
      await updateIf(integrationId, {
        UpdateExpression: 'ADD healedBySync :healed SET lastHealedAt = :at',
        ConditionExpression: 'attribute_exists(integrationId)',
        ExpressionAttributeValues: { ':healed': healed, ':at': at },
      });
    },
  };
};

/**
 * Reads the sparse `activeBySyncDue` index: only ACTIVE integrations are in it, sorted by the
 * start of their last successful sync, so `syncDueKey < cutoff` is exactly the due set.
 */
export const createDueIntegrations = (doc: DynamoDBDocumentClient, tableName: string): DueIntegrations => ({
  async *pages(cutoff) {
    const pages = paginateQuery(
      { client: doc },
      {
        TableName: tableName,
        IndexName: 'activeBySyncDue',
        KeyConditionExpression: 'activePartition = :active AND syncDueKey < :cutoff',
        ExpressionAttributeValues: { ':active': ACTIVE_PARTITION, ':cutoff': cutoff },
        ProjectionExpression: 'integrationId',
      },
    );
    for await (const page of pages) yield page.Items ?? [];
  },
});

/** The store's sync lease as it stands (for the BULK_OPERATIONS_FINISH wake-up). */
export const createSyncLeaseReader = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async lease(integrationId: string): Promise<SyncLeaseView | undefined> {
    const { Item } = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { integrationId },
        ProjectionExpression: 'syncLease',
        ConsistentRead: true,
      }),
    );
    const lease = Item?.['syncLease'] as
      { runId?: unknown; holder?: unknown; expiresAt?: unknown } | undefined;
    if (typeof lease?.runId !== 'string' || typeof lease.expiresAt !== 'string') return undefined;
    return {
      runId: lease.runId,
      expiresAt: lease.expiresAt,
      ...(typeof lease.holder === 'string' && { holder: lease.holder }),
    };
  },
});
