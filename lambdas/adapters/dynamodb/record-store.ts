/**
 * DynamoDB implementation of the mirror write rules (core/records/record-writes.ts), for the
 * table of any resource.
 *
 * Stable API (the webhook and the sync both call it):
 *   const store = createRecordStore<CustomerRecord>(doc, tableName, { receipts: { tableName: idempotencyTable } })
 *   store.upsert(record, receipt?)                        → 'written' | 'stale' | 'redacted' | 'duplicate'
 *   store.markDeleted({ organizationId, shopifyId, integrationId, shopDomain },
 *                     deletedAt, 'webhook' | 'reconciled', receipt?)
 *                                                         → 'written' | 'unchanged' | 'redacted' | 'duplicate'
 *   store.get(organizationId, shopifyId)                  → StoredRecord | undefined
 *   store.upsertMany(records, { concurrency })            → { written, stale, redacted }
 *
 * Every write is one conditional UpdateItem, so concurrent webhooks and syncs need no locks: the
 * condition is the merge rule, and a failed condition is the normal "stale" outcome. A full
 * sync's batch (`upsertMany` with `newRecords`) first tries a PutItem allowed only where no item
 * exists, which stores what the merge would on a missing item for less of DynamoDB's work; where
 * an item exists the merge follows, as always.
 *
 * A webhook write carries a receipt (the digest of its signed body): the UpdateItem and the
 * receipt's conditional Put go in one TransactWriteItems, so the write and "this body was
 * processed" land together or not at all, in one round trip. A body already processed answers
 * 'duplicate' with nothing written; a stale or redacted outcome still records the receipt, so a
 * replay under another store's headers finds it. Given `knownVersions`, a webhook write older
 * than a version this container saw stored skips the transaction it would lose and records
 * only the receipt (known-versions.ts): a burst of a busy record's updates, mostly older than
 * what is stored, costs one conditional Put a delivery instead of a cancelled transaction.
 */
import {
  type AttributeValue,
  type Put,
  TransactWriteItemsCommand,
  type Update,
  UpdateItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { convertToAttr, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { MirroredRecord, StoredRecord } from '../../resources/kit/mirrored-record.js';
import { toUtcIso } from '../../resources/kit/normalize.js';
import type {
  RecordKey,
  RecordStore,
  DeleteOutcome,
  DeleteReason,
  UpsertOutcome,
  WriteRuleOptions,
} from '../../core/records/record-writes.js';
import { PARTS_SEEN_AT, partsSeenAt, withNewerParts } from '../../core/records/record-parts.js';
import type { NewRecordGuess, UpsertManyOptions, WriteCounts } from '../../resources/kit/definition.js';
import type { DeliveryReceipt } from '../../core/webhooks/replay-guard.js';
import type { BackPressure } from './back-pressure.js';
import { isConditionFailure, landed } from './conditions.js';
import { cachedSender, marshallOptions } from './document-client.js';
import type { KnownVersions } from './known-versions.js';
import { type ReceiptTable, receiptPut } from './processed-deliveries.js';
import { UPDATED_SHARD_ATTRIBUTE, updatedShardOf } from './updated-shards.js';

const KEY_ATTRIBUTES = new Set(['organizationId', 'shopifyId']);

/** The stored item that made a condition fail (ALL_OLD), in marshalled or plain form. */
const wasRedacted = (old: Record<string, unknown> | undefined): boolean => old?.['redactedAt'] !== undefined;

/** An attribute of such an item as a plain value. */
const plainAttribute = (item: Record<string, unknown> | undefined, name: string): unknown => {
  const value = item?.[name];
  return typeof value === 'object' && value !== null && 'S' in value ? value.S : value;
};

/** Which record a remembered version is of: keyed by integration too (known-versions.ts). */
const versionKeyOf = (record: MirroredRecord): string =>
  `${record.organizationId}\u0000${record.integrationId}\u0000${record.shopifyId}`;

/** The failed condition was the reversal rule: a (reconcile-made) delete this snapshot postdates. */
const reversible = (
  item: Record<string, unknown> | undefined,
  updatedAt: string,
  reusedKeys: boolean,
): boolean => {
  const plain = (name: string): unknown => plainAttribute(item, name);
  const storedUpdatedAt = plain('shopifyUpdatedAt');
  const deletedAt = plain('deletedAt');
  return (
    (reusedKeys || plain('deleteReason') === 'reconciled') &&
    typeof deletedAt === 'string' &&
    deletedAt < updatedAt &&
    (typeof storedUpdatedAt !== 'string' || storedUpdatedAt <= updatedAt)
  );
};

/**
 * One conditional update, already marshalled, in the shape both UpdateItem and TransactWriteItems
 * accept. The writes marshal their own values and go to the low-level client: the document
 * client's translation walks the whole request (expressions, names, key) on every write, and on a
 * sync that is most of what a record costs besides the request itself (issue 22 §6).
 */
type ConditionalUpdate = Update & { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' };

const attribute = (value: unknown): AttributeValue => convertToAttr(value, marshallOptions);

/**
 * The expressions of a record's upsert depend only on which fields it has and which sparse
 * attributes it lacks, so a sync builds each text once per shape of record, not once per record.
 */
interface UpsertShape {
  readonly update: string;
  readonly reactivate: string;
  readonly names: Readonly<Record<string, string>>;
}

/** Records of one resource come in few shapes; the bound only guards against an unforeseen many. */
const MAX_CACHED_SHAPES = 256;

const SNAPSHOT_IS_NEWER =
  '(attribute_not_exists(#updatedAt) OR #updatedAt <= :updatedAt) AND attribute_not_exists(redactedAt)';
const REVERSES_RECONCILE = 'deleteReason = :reconciled AND deletedAt < :updatedAt';
/** Keys that come back (record-writes.ts, after rule 4): any delete the snapshot postdates. */
const REVERSES_ANY_DELETE = 'deletedAt < :updatedAt';
// Snapshot fields follow shopifyUpdatedAt; the lifecycle (status) is only ever set by the first
// write or by a delete, so a late update can never resurrect a record, except over a
// reconcile-made delete it postdates (rule 2), in a write of its own.
/** Rule 6: the stored parts are no newer than what the snapshot shows (record-parts.ts). */
const PARTS_ARE_NOT_NEWER = '(attribute_not_exists(#partsSeenAt) OR #partsSeenAt <= :partsSeenAt)';
const upsertConditions = (reusedKeys: boolean, parts: boolean) => {
  const reverses = reusedKeys ? REVERSES_ANY_DELETE : REVERSES_RECONCILE;
  const newer = parts ? `${SNAPSHOT_IS_NEWER} AND ${PARTS_ARE_NOT_NEWER}` : SNAPSHOT_IS_NEWER;
  return {
    upsert: `${newer} AND NOT (${reverses})`,
    reactivate: `${newer} AND ${reverses}`,
  };
};

const upsertShape = (fields: readonly string[], removes: readonly string[], parts: boolean): UpsertShape => {
  const names: Record<string, string> = {
    '#status': 'status',
    '#updatedAt': 'shopifyUpdatedAt',
    '#shard': UPDATED_SHARD_ATTRIBUTE,
    ...(parts && { '#partsSeenAt': PARTS_SEEN_AT }),
  };
  const sets = fields.map((name, index) => {
    names[`#f${index}`] = name;
    return `#f${index} = :f${index}`;
  });
  // The sharded `updatedSince` index's key, on every write (updated-shards.ts).
  sets.push('#shard = :shard');
  if (parts) sets.push('#partsSeenAt = :partsSeenAt');
  const removed = removes.map((name, index) => {
    names[`#r${index}`] = name;
    return `#r${index}`;
  });
  const expression = (status: string, remove: readonly string[]) =>
    `SET ${[...sets, status].join(', ')}` + (remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : '');
  return {
    update: expression('#status = if_not_exists(#status, :active)', removed),
    reactivate: expression('#status = :active', [...removed, 'deletedAt', 'deleteReason']),
    names,
  };
};

const ACTIVE: AttributeValue = { S: 'ACTIVE' };
const RECONCILED: AttributeValue = { S: 'reconciled' };

interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, unknown>;
}
const cancellationReasons = (error: unknown): readonly CancellationReason[] | undefined =>
  (error as { name?: string } | null)?.name === 'TransactionCanceledException'
    ? ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
    : undefined;

/** Concurrent transactions on one item: DynamoDB cancels one; trying again settles it. */
const MAX_CONFLICT_ATTEMPTS = 3;

/** Sparse attributes (a record without one has it removed, never set to null), reused keys, parts. */
export interface RecordStoreOptions extends WriteRuleOptions {
  /** Where webhook receipts go (the Idempotency table); required to write with a receipt. */
  readonly receipts?: ReceiptTable;
  /** Throttled writes wait and go again, fewer at once (back-pressure.ts); without it they fail. */
  readonly backPressure?: BackPressure;
  /**
   * Versions seen stored (known-versions.ts): a webhook write older than one of them records
   * only its receipt, without the transaction. Only for records that are never redacted.
   */
  readonly knownVersions?: KnownVersions;
}

/** A stored item as DynamoDB returned it on a failed condition (ALL_OLD), in plain values. */
const plainItem = (old: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
  const id = old?.['organizationId'];
  return typeof id === 'object' && id !== null && 'S' in id
    ? unmarshall(old as Record<string, AttributeValue>)
    : old;
};

/**
 * How many times a snapshot is laid over newer stored parts (rule 6) before it gives up as
 * stale: each round loses only to another part merged in between, which a burst of part topics
 * for one order within milliseconds could do; the order's next snapshot settles it anyway.
 */
const MAX_PART_ROUNDS = 3;

export const createRecordStore = <TRecord extends MirroredRecord>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: RecordStoreOptions = {},
): RecordStore<TRecord> => {
  const guarded = options.backPressure;
  const sendCommand = cachedSender(doc);
  const reusedKeys = options.reusedKeys ?? false;
  const known = options.knownVersions;
  const partLists = options.partLists ?? [];
  const hasParts = partLists.length > 0;
  const conditions = upsertConditions(reusedKeys, hasParts);
  const underPressure = <T>(request: () => Promise<T>): Promise<T> =>
    guarded ? guarded.run(request) : request();
  /** The receipt as a conditional Put that fails if the body was already processed. */
  const receiptPutOf = (receipt: DeliveryReceipt): Put => {
    if (!options.receipts) throw new Error('This record store was created without a receipts table');
    const plainPut = receiptPut(options.receipts, receipt.digest);
    return {
      ...plainPut,
      Item: marshall(plainPut.Item as Record<string, unknown>, marshallOptions),
      ExpressionAttributeValues: marshall(plainPut.ExpressionAttributeValues ?? {}, marshallOptions),
    };
  };
  /** The receipt of a body that writes nothing: 'duplicate' when it was already recorded. */
  const recordReceipt = async (put: Put): Promise<'recorded' | 'duplicate'> =>
    (await landed(underPressure(() => sendCommand(new PutItemCommand(put))))) ? 'recorded' : 'duplicate';

  /**
   * Sends one conditional update, with the receipt in the same transaction when there is one.
   * Returns whether the update landed, the stored item that failed its condition, or 'duplicate'.
   */
  const send = async (
    update: ConditionalUpdate,
    receipt: DeliveryReceipt | undefined,
  ): Promise<{ landed: true } | { landed: false; old?: Record<string, unknown> } | 'duplicate'> => {
    if (!receipt) {
      try {
        await underPressure(() => sendCommand(new UpdateItemCommand(update)));
        return { landed: true };
      } catch (error) {
        if (isConditionFailure(error)) return { landed: false, old: error.Item as Record<string, unknown> };
        throw error;
      }
    }
    const put = receiptPutOf(receipt);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await underPressure(() =>
          sendCommand(new TransactWriteItemsCommand({ TransactItems: [{ Update: update }, { Put: put }] })),
        );
        return { landed: true };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
        if (reasons[0]?.Code === 'ConditionalCheckFailed') {
          // Nothing to write, but the body was processed: a replay must find its receipt.
          if ((await recordReceipt(put)) === 'duplicate') return 'duplicate';
          return { landed: false, ...(reasons[0].Item && { old: reasons[0].Item }) };
        }
        if (attempt >= MAX_CONFLICT_ATTEMPTS || !reasons.some((r) => r.Code === 'TransactionConflict'))
          throw error;
      }
    }
  };

  const shapes = new Map<string, UpsertShape>();
  const shapeOf = (fields: readonly string[], removes: readonly string[]): UpsertShape => {
    const key = `${fields.join(',')}|${removes.join(',')}`;
    let shape = shapes.get(key);
    if (!shape) {
      if (shapes.size >= MAX_CACHED_SHAPES) shapes.clear();
      shape = upsertShape(fields, removes, hasParts);
      shapes.set(key, shape);
    }
    return shape;
  };

  /**
   * A record no item exists for, written whole with PutItem: on a missing item it stores exactly
   * what the merge would (the fields, ACTIVE, the shard; nothing to remove), and DynamoDB spends
   * less on a put than on an update expression. Where an item exists nothing is written and the
   * merge decides: answers whether it was created.
   */
  const create = (
    key: Record<string, AttributeValue>,
    fields: readonly string[],
    values: Record<string, AttributeValue>,
  ): Promise<boolean> => {
    const item: Record<string, AttributeValue> = {
      ...key,
      status: ACTIVE,
      [UPDATED_SHARD_ATTRIBUTE]: values[':shard']!,
      ...(hasParts && { [PARTS_SEEN_AT]: values[':partsSeenAt']! }),
    };
    fields.forEach((name, index) => (item[name] = values[`:f${index}`]!));
    return landed(
      underPressure(() =>
        sendCommand(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(organizationId)',
          }),
        ),
      ),
    );
  };

  /** A record's key and values, marshalled once for every write it may take. */
  const prepare = (record: TRecord) => {
    const fields: string[] = [];
    const values: Record<string, AttributeValue> = {
      ':active': ACTIVE,
      ':updatedAt': attribute(record.shopifyUpdatedAt),
      ...(!reusedKeys && { ':reconciled': RECONCILED }),
      ':shard': attribute(updatedShardOf(record.organizationId, record.shopifyId)),
      ...(hasParts && { ':partsSeenAt': attribute(partsSeenAt(record, partLists)) }),
    };
    for (const [name, value] of Object.entries(record)) {
      if (KEY_ATTRIBUTES.has(name) || value === undefined) continue;
      values[`:f${fields.length}`] = attribute(value);
      fields.push(name);
    }
    const key = { organizationId: attribute(record.organizationId), shopifyId: attribute(record.shopifyId) };
    return { key, fields, values };
  };

  /**
   * Rule 6 after a failed condition: the snapshot with the stored parts newer than it laid over
   * its own, when that is what failed (the stored snapshot itself is not newer).
   */
  const withStoredParts = (
    record: TRecord,
    old: Record<string, unknown> | undefined,
  ): TRecord | undefined => {
    if (!hasParts) return undefined;
    const stored = plainItem(old);
    const storedUpdatedAt = stored?.['shopifyUpdatedAt'];
    if (typeof storedUpdatedAt === 'string' && storedUpdatedAt > record.shopifyUpdatedAt) return undefined;
    const seen = stored?.[PARTS_SEEN_AT];
    if (typeof seen !== 'string' || seen <= partsSeenAt(record, partLists)) return undefined;
    return withNewerParts(record, stored!, partLists);
  };

  const upsert = async (
    incoming: TRecord,
    receipt?: DeliveryReceipt,
    newRecords?: NewRecordGuess,
  ): Promise<UpsertOutcome> => {
    // A webhook write older than a version seen stored loses its condition whatever else is
    // stored (rule 1 before rule 6): only its receipt is left to record, one conditional Put
    // instead of a transaction.
    const remembered = receipt && known && { known, key: versionKeyOf(incoming) };
    if (remembered && remembered.known.hasNewerThan(remembered.key, incoming.shopifyUpdatedAt))
      return (await recordReceipt(receiptPutOf(receipt))) === 'duplicate' ? 'duplicate' : 'stale';
    let record = incoming;
    let { key, fields, values } = prepare(record);
    if (!receipt && newRecords?.worthTrying) {
      const created = await create(key, fields, values);
      newRecords.observe(!created);
      if (created) return 'written';
    }
    const removes = (options.sparseAttributes ?? []).filter(
      (name) => (record as Record<string, unknown>)[name] === undefined,
    );
    const write = (reactivate: boolean, withReceipt: DeliveryReceipt | undefined) => {
      const shape = shapeOf(fields, removes);
      return send(
        {
          TableName: tableName,
          Key: key,
          UpdateExpression: reactivate ? shape.reactivate : shape.update,
          ConditionExpression: reactivate ? conditions.reactivate : conditions.upsert,
          ExpressionAttributeNames: shape.names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
        withReceipt,
      );
    };
    const first = await write(false, receipt);
    if (first === 'duplicate') return first;
    if (first.landed) {
      remembered?.known.note(remembered.key, record.shopifyUpdatedAt);
      return 'written';
    }
    const storedUpdatedAt = wasRedacted(first.old)
      ? undefined
      : plainAttribute(first.old, 'shopifyUpdatedAt');
    if (typeof storedUpdatedAt === 'string') remembered?.known.note(remembered.key, storedUpdatedAt);
    // The rare cases cost more round trips; the common one pays nothing for them. The receipt
    // was recorded by the first attempt.
    let old = first.old;
    for (let round = 0; round < MAX_PART_ROUNDS; round += 1) {
      if (wasRedacted(old)) return 'redacted';
      const overlaid = withStoredParts(record, old);
      const reactivate = reversible(old, record.shopifyUpdatedAt, reusedKeys);
      if (!overlaid && !reactivate) return 'stale';
      if (overlaid) {
        record = overlaid;
        ({ key, fields, values } = prepare(record));
      }
      const next = await write(reactivate, undefined);
      if (next !== 'duplicate' && next.landed) return 'written';
      old = next === 'duplicate' ? undefined : next.old;
    }
    return wasRedacted(old) ? 'redacted' : 'stale';
  };

  const markDeleted = async (
    key: RecordKey,
    deletedAt: string,
    reason: DeleteReason,
    receipt?: DeliveryReceipt,
  ): Promise<DeleteOutcome> => {
    const result = await send(
      {
        TableName: tableName,
        Key: marshall({ organizationId: key.organizationId, shopifyId: key.shopifyId }, marshallOptions),
        // The earliest deletion wins, so repeated or reconciled deletes converge on one value.
        UpdateExpression:
          'SET #status = :inactive, deletedAt = :deletedAt, deleteReason = :reason, ' +
          'integrationId = if_not_exists(integrationId, :integrationId), ' +
          'shopDomain = if_not_exists(shopDomain, :shopDomain)',
        // A webhook delete is Shopify's word and replaces a reconcile's inference; an inference
        // never replaces Shopify's word, even one it predates (rule 2): a reconcile stamps its
        // start, often before a delete it confirmed, and a reconcile-made delete is reversible.
        ConditionExpression:
          'attribute_not_exists(redactedAt) AND (attribute_not_exists(deletedAt) OR ' +
          (reason === 'webhook'
            ? 'deletedAt > :deletedAt OR deleteReason = :reconciled)'
            : '(deletedAt > :deletedAt AND deleteReason = :reconciled))') +
          // A reused key's delete older than its snapshot is of the key's earlier life.
          (reusedKeys
            ? ' AND (attribute_not_exists(shopifyUpdatedAt) OR shopifyUpdatedAt <= :deletedAt)'
            : ''),
        // No `updatedShard`: a delete never sets the update time, so its own write never puts an
        // item in the `updatedSince` index (the snapshot's write or the backfill gave it one).
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall(
          {
            ':reconciled': 'reconciled',
            ':inactive': 'INACTIVE',
            ':deletedAt': toUtcIso(deletedAt),
            ':reason': reason,
            ':integrationId': key.integrationId,
            ':shopDomain': key.shopDomain,
          },
          marshallOptions,
        ),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
      receipt,
    );
    if (result === 'duplicate' || result.landed) return result === 'duplicate' ? result : 'written';
    return wasRedacted(result.old) ? 'redacted' : 'unchanged';
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
    { concurrency = 8, slots, newRecords }: Partial<UpsertManyOptions> = {},
  ): Promise<WriteCounts> => {
    const counts = { written: 0, stale: 0, redacted: 0 };
    let next = 0;
    // After a failed write no record is taken, and the batch fails only once the writes in
    // flight are done: when it rejects, nothing of it is still being written.
    let failure: { readonly error: unknown } | undefined;
    const worker = async (): Promise<void> => {
      while (next < records.length && !failure) {
        await slots?.acquire();
        try {
          // Taken after the slot: a worker waiting for one must not hold a record back from
          // another worker of this batch that gets a slot first.
          if (next >= records.length || failure) return;
          const record = records[next++]!;
          const outcome = await upsert(record, undefined, newRecords);
          if (outcome !== 'duplicate') counts[outcome] += 1;
        } catch (error) {
          failure ??= { error };
        } finally {
          slots?.release();
        }
      }
    };
    const workers = Math.max(1, Math.min(concurrency, records.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (failure) throw failure.error;
    return counts;
  };

  return { upsert: (record, receipt) => upsert(record, receipt), markDeleted, get, upsertMany };
};
