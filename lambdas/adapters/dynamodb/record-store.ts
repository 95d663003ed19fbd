/**
 * DynamoDB implementation of the mirror write rules (core/resources/record-writes.ts), for the
 * table of any resource.
 *
 * Stable API (the webhook and the sync both call it):
 *   const store = createRecordStore<CustomerRecord>(doc, tableName)
 *   store.upsert(record)                                  → 'written' | 'stale' | 'redacted'
 *   store.markDeleted({ organizationId, shopifyId, integrationId, shopDomain },
 *                     deletedAt, 'webhook' | 'reconciled') → 'written' | 'unchanged' | 'redacted'
 *   store.get(organizationId, shopifyId)                  → StoredRecord | undefined
 *   store.upsertMany(records, { concurrency })            → { written, stale, redacted }
 *
 * Every write is one conditional UpdateItem, so concurrent webhooks and syncs need no locks: the
 * condition is the merge rule, and a failed condition is the normal "stale" outcome.
 */
import type { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MirroredRecord, StoredRecord } from '../../core/resources/mirrored-record.js';
import { toUtcIso } from '../../core/resources/normalize.js';
import type {
  RecordKey,
  RecordStore,
  DeleteOutcome,
  DeleteReason,
  UpsertOutcome,
} from '../../core/resources/record-writes.js';
import type { WriteCounts } from '../../core/resources/resource-definition.js';
import { isConditionFailure } from './conditions.js';

const KEY_ATTRIBUTES = new Set(['organizationId', 'shopifyId']);

/** The stored item that made a condition fail (ALL_OLD), in marshalled or plain form. */
const wasRedacted = (error: ConditionalCheckFailedException): boolean =>
  (error.Item as Record<string, unknown> | undefined)?.['redactedAt'] !== undefined;

/** The failed condition was the reconcile rule: a reconcile-made delete this snapshot postdates. */
const reversible = (error: ConditionalCheckFailedException, updatedAt: string): boolean => {
  const item = error.Item as Record<string, unknown> | undefined;
  const plain = (name: string): unknown => {
    const value = item?.[name];
    return typeof value === 'object' && value !== null && 'S' in value ? value.S : value;
  };
  const storedUpdatedAt = plain('shopifyUpdatedAt');
  const deletedAt = plain('deletedAt');
  return (
    plain('deleteReason') === 'reconciled' &&
    typeof deletedAt === 'string' &&
    deletedAt < updatedAt &&
    (typeof storedUpdatedAt !== 'string' || storedUpdatedAt <= updatedAt)
  );
};

export const createRecordStore = <TRecord extends MirroredRecord>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  /** Attributes that key a sparse index: a record without one has it removed, never set to null. */
  sparseAttributes: readonly string[] = [],
): RecordStore<TRecord> => {
  const upsert = async (record: TRecord): Promise<UpsertOutcome> => {
    const fields = Object.entries(record).filter(
      ([name, value]) => !KEY_ATTRIBUTES.has(name) && value !== undefined,
    );
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'shopifyUpdatedAt' };
    const values: Record<string, unknown> = { ':active': 'ACTIVE', ':updatedAt': record.shopifyUpdatedAt };
    const sets = fields.map(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
    const removes = sparseAttributes
      .filter((name) => (record as Record<string, unknown>)[name] === undefined)
      .map((name, index) => {
        names[`#r${index}`] = name;
        return `#r${index}`;
      });
    const snapshotIsNewer =
      '(attribute_not_exists(#updatedAt) OR #updatedAt <= :updatedAt) AND attribute_not_exists(redactedAt)';
    const reversesReconcile = 'deleteReason = :reconciled AND deletedAt < :updatedAt';
    const write = (reactivate: boolean) => {
      const removed = reactivate ? [...removes, 'deletedAt', 'deleteReason'] : removes;
      return doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { organizationId: record.organizationId, shopifyId: record.shopifyId },
          // Snapshot fields follow shopifyUpdatedAt; the lifecycle (status) is only ever set by
          // the first write or by a delete, so a late update can never resurrect a record,
          // except over a reconcile-made delete it postdates (rule 2), in a write of its own.
          UpdateExpression:
            `SET ${[...sets, reactivate ? '#status = :active' : '#status = if_not_exists(#status, :active)'].join(', ')}` +
            (removed.length > 0 ? ` REMOVE ${removed.join(', ')}` : ''),
          ConditionExpression: reactivate
            ? `${snapshotIsNewer} AND ${reversesReconcile}`
            : `${snapshotIsNewer} AND NOT (${reversesReconcile})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':reconciled': 'reconciled' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    };
    try {
      await write(false);
      return 'written';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (wasRedacted(error)) return 'redacted';
      // The rare case costs a second round trip; the common one pays nothing for it.
      if (!reversible(error, record.shopifyUpdatedAt)) return 'stale';
    }
    try {
      await write(true);
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return wasRedacted(error) ? 'redacted' : 'stale';
      throw error;
    }
  };

  const markDeleted = async (
    key: RecordKey,
    deletedAt: string,
    reason: DeleteReason,
  ): Promise<DeleteOutcome> => {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { organizationId: key.organizationId, shopifyId: key.shopifyId },
          // The earliest deletion wins, so repeated or reconciled deletes converge on one value.
          UpdateExpression:
            'SET #status = :inactive, deletedAt = :deletedAt, deleteReason = :reason, ' +
            'integrationId = if_not_exists(integrationId, :integrationId), ' +
            'shopDomain = if_not_exists(shopDomain, :shopDomain)',
          // A webhook delete is Shopify's word and replaces a reconcile's inference (rule 2).
          ConditionExpression:
            'attribute_not_exists(redactedAt) AND (attribute_not_exists(deletedAt) OR deletedAt > :deletedAt' +
            (reason === 'webhook' ? ' OR deleteReason = :reconciled)' : ')'),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...(reason === 'webhook' && { ':reconciled': 'reconciled' }),
            ':inactive': 'INACTIVE',
            ':deletedAt': toUtcIso(deletedAt),
            ':reason': reason,
            ':integrationId': key.integrationId,
            ':shopDomain': key.shopDomain,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return wasRedacted(error) ? 'redacted' : 'unchanged';
      throw error;
    }
  };

  const get = async (
    organizationId: string,
    shopifyId: string,
  ): Promise<StoredRecord<TRecord> | undefined> => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { organizationId, shopifyId }, ConsistentRead: true }),
    );
    return Item as StoredRecord<TRecord> | undefined;
  };

  const upsertMany = async (
    records: readonly TRecord[],
    { concurrency = 8 }: { concurrency?: number } = {},
  ): Promise<WriteCounts> => {
    const counts = { written: 0, stale: 0, redacted: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < records.length) {
        const record = records[next++]!;
        counts[await upsert(record)] += 1;
      }
    };
    const workers = Math.max(1, Math.min(concurrency, records.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return counts;
  };

  return { upsert, markDeleted, get, upsertMany };
};
