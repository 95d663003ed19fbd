/**
 * The reconcile's bulk id listing between invocations (core/reconcile/bulk-id-listing.ts), kept
 * in the SyncRuns table beside the store's runs: same partition (integrationId), sort keys that
 * no run id can take (`reconcile#…` sorts after every ULID, which the run listing stops before).
 *
 *   reconcile#<resource>                                      the checkpoint
 *   reconcile#<resource>#<operation>#<smallest id>#<line>     one per batch read from that file
 *
 * One item per batch of ids (LISTING_BATCH_IDS, sorted; core/reconcile/sorted-chunks.ts), not per
 * id: a 100k-store listing writes ~100 items (~14 KB each, so ~1,400 write units) where an item
 * per id wrote 100,000. The key's smallest id orders the chunks for the merge that reads them back
 * in the mirror index's order; the line (where the batch starts in the file) makes a batch read
 * again after a crash replace itself. Everything expires by TTL; chunks of an abandoned operation
 * are never read again (a new operation has a new prefix).
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BulkListingCheckpoint, ReconcileListingStore } from '../../core/reconcile/bulk-id-listing.js';
import { mergeSortedChunks, type SortedChunk, sortedChunk } from '../../core/reconcile/sorted-chunks.js';

/** Run ids are ULIDs (0-9, A-Z): every one sorts before this. */
export const RECONCILE_SORT_KEY_PREFIX = 'reconcile#';
/** A listing not finished within a week is abandoned (Shopify's result URLs last a week). */
const RETENTION_SECONDS = 7 * 86_400;
/** Chunks per Query page while merging: what the merge may hold beyond the chunks it merges. */
const CHUNKS_PER_READ = 8;

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
        ...(Item['ids'] !== undefined && { ids: Number(Item['ids']) }),
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

    async addIds(integrationId, resource, operationId, ids, line) {
      if (ids.length === 0) return;
      const sorted = sortedChunk(ids);
      // `#` sorts before every digit: chunks order by their smallest id as strings do.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            integrationId,
            runId: `${idsPrefix(resource, operationId)}${sorted[0]}#${line}`,
            ids: sorted.join(','),
            expiresAt: expiresAt(),
          },
        }),
      );
    },

    ids(integrationId, resource, operationId) {
      const prefix = idsPrefix(resource, operationId);
      return mergeSortedChunks(chunks());

      async function* chunks(): AsyncGenerator<SortedChunk> {
        const pages = paginateQuery(
          { client: doc, pageSize: CHUNKS_PER_READ },
          {
            TableName: tableName,
            KeyConditionExpression: 'integrationId = :id AND begins_with(runId, :prefix)',
            ExpressionAttributeValues: { ':id': integrationId, ':prefix': prefix },
            ProjectionExpression: 'runId, ids',
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) {
            const text = String(item['ids']);
            const first = String(item['runId']).slice(prefix.length).split('#')[0]!;
            yield { first, ids: () => text.split(',') };
          }
        }
      }
    },
  };
};
