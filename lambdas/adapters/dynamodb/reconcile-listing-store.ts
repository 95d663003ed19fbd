/**
 * The reconcile's bulk id listing between invocations (core/reconcile/bulk-id-listing.ts), kept
 * in the SyncRuns table beside the store's runs: same partition (integrationId), sort keys that
 * no run id can take (`reconcile#…` sorts after every ULID, which the run listing stops before).
 *
 *   reconcile#<resource>                          the checkpoint
 *   reconcile#<resource>#<operation>#<shopifyId>  one per id read from that operation's file
 *
 * One item per id, so a Query over the operation's prefix gives the ids back in string order,
 * the order of the mirror's byIntegration index, page by page: the reconcile compares them with
 * the mirror by merging, never holding a store's ids in memory. Everything expires by TTL; ids of
 * an abandoned operation are never read again (a new operation has a new prefix).
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BulkListingCheckpoint, ReconcileListingStore } from '../../core/reconcile/bulk-id-listing.js';

/** Run ids are ULIDs (0-9, A-Z): every one sorts before this. */
export const RECONCILE_SORT_KEY_PREFIX = 'reconcile#';
/** A listing not finished within a week is abandoned (Shopify's result URLs last a week). */
const RETENTION_SECONDS = 7 * 86_400;
const BATCH = 25;
const BATCHES_IN_FLIGHT = 8;

const checkpointKey = (integrationId: string, resource: string) => ({
  integrationId,
  runId: `${RECONCILE_SORT_KEY_PREFIX}${resource}`,
});
/** `gid://shopify/BulkOperation/123` → `123`: the prefix stays short. */
const idsPrefix = (resource: string, operationId: string) =>
  `${RECONCILE_SORT_KEY_PREFIX}${resource}#${operationId.replace(/^.*\//, '')}#`;

export const createReconcileListingStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  now: () => number = Date.now,
): ReconcileListingStore => {
  const expiresAt = () => Math.floor(now() / 1000) + RETENTION_SECONDS;

  const writeBatch = async (items: readonly Record<string, unknown>[]) => {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt >= 8) throw new Error(`${requests.length} listed ids could not be stored`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { UnprocessedItems } = await doc.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  };

  return {
    async checkpoint(integrationId, resource) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: checkpointKey(integrationId, resource),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      return {
        operationId: String(Item['operationId']),
        url: typeof Item['url'] === 'string' ? Item['url'] : null,
        line: Number(Item['line']),
        startedAt: String(Item['startedAt']),
        listed: Item['listed'] === true,
      } satisfies BulkListingCheckpoint;
    },

    async saveCheckpoint(integrationId, resource, checkpoint) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...checkpointKey(integrationId, resource), ...checkpoint, expiresAt: expiresAt() },
        }),
      );
    },

    async clear(integrationId, resource) {
      await doc.send(
        new DeleteCommand({ TableName: tableName, Key: checkpointKey(integrationId, resource) }),
      );
    },

    async addIds(integrationId, resource, operationId, ids) {
      const prefix = idsPrefix(resource, operationId);
      const ttl = expiresAt();
      const batches: Record<string, unknown>[][] = [];
      for (let start = 0; start < ids.length; start += BATCH)
        batches.push(
          ids
            .slice(start, start + BATCH)
            .map((id) => ({ integrationId, runId: prefix + id, expiresAt: ttl })),
        );
      for (let start = 0; start < batches.length; start += BATCHES_IN_FLIGHT)
        await Promise.all(batches.slice(start, start + BATCHES_IN_FLIGHT).map(writeBatch));
    },

    async *ids(integrationId, resource, operationId) {
      const prefix = idsPrefix(resource, operationId);
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: tableName,
          KeyConditionExpression: 'integrationId = :id AND begins_with(runId, :prefix)',
          ExpressionAttributeValues: { ':id': integrationId, ':prefix': prefix },
          ProjectionExpression: 'runId',
        },
      );
      for await (const page of pages) {
        const ids = (page.Items ?? []).map((item) => String(item['runId']).slice(prefix.length));
        if (ids.length > 0) yield ids;
      }
    },
  };
};
