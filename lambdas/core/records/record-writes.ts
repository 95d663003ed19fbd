/**
 * The write rules of every mirror (customers, orders, products), and the port that enforces them. Shopify delivers
 * webhooks at least once, in any order, sometimes a day late, and the sync races them; these
 * rules make the stored item a function of the SET of facts received, not of their order:
 *
 * 1. Snapshot fields (name, email, totals, ...) follow `shopifyUpdatedAt`: a write lands only if
 *    the stored snapshot is not newer (equal timestamps rewrite: Shopify stamps to the second, so
 *    two edits within one second are settled by the next update or sync).
 * 2. Lifecycle follows deletions: once deleted by a webhook, a record stays INACTIVE whatever
 *    snapshot arrives later (Shopify never reuses ids). `deletedAt`/`deleteReason` keep the
 *    EARLIEST deletion seen, so duplicate deletes cannot move it. A reconcile-made delete is an
 *    inference, not Shopify's word: a snapshot updated after it proves the record alive and
 *    reverses it (ACTIVE again, deletedAt/deleteReason removed), and a webhook delete replaces it.
 *    A reconcile-made delete never replaces a webhook-made one, whatever their times: it would
 *    turn Shopify's final word into a reversible inference.
 * 3. A delete for an unknown record leaves a tombstone (ids + lifecycle), which a late, older
 *    create then fills with its snapshot: create→delete and delete→create end identical.
 * 4. A REDACTED item (compliance) is never written again by either path.
 *    Where a key comes back after a delete (an inventory level: `<item>:<location>`, disconnected
 *    then connected again), rule 2 reads differently (`reusedKeys`): every delete is reversed by
 *    a snapshot updated after it, and a delete older than the stored snapshot is of the key's
 *    earlier life and changes nothing.
 * 5. A write with a receipt (a webhook's body digest) happens at most once per receipt, across
 *    every organization: the receipt is recorded with the outcome, whatever it is, and a second
 *    write with the same receipt answers `duplicate` and changes nothing.
 * 6. Parts with versions of their own (`partLists`: an order's fulfillments and refunds, which
 *    part topics merge one by one) never go back: a snapshot that rule 1 lets land keeps the
 *    stored parts newer than what it shows (record-parts.ts), and replaces the rest.
 */
import type { DeliveryReceipt } from '../webhooks/replay-guard.js';
import type { MirroredRecord, StoredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordPartList, UpsertManyOptions, WriteCounts } from '../../resources/kit/definition.js';
import { PARTS_SEEN_AT, partsSeenAt, withNewerParts } from './record-parts.js';

/** `duplicate`: the write carried a receipt that was already recorded; nothing changed. */
export type UpsertOutcome = 'written' | 'stale' | 'redacted' | 'duplicate';
/** `unchanged`: the record was already deleted at or before this time. */
export type DeleteOutcome = 'written' | 'unchanged' | 'redacted' | 'duplicate';
export type DeleteReason = 'webhook' | 'reconciled';

export interface RecordKey {
  readonly organizationId: string;
  readonly shopifyId: string;
  readonly integrationId: string;
  readonly shopDomain: string;
}

export interface RecordWrites<TRecord extends MirroredRecord = MirroredRecord> {
  upsert(record: TRecord, receipt?: DeliveryReceipt): Promise<UpsertOutcome>;
  /** `deletedAt` is any ISO-8601 timestamp; it is stored as UTC with milliseconds. */
  markDeleted(
    key: RecordKey,
    deletedAt: string,
    reason: DeleteReason,
    receipt?: DeliveryReceipt,
  ): Promise<DeleteOutcome>;
}

export interface RecordStore<TRecord extends MirroredRecord = MirroredRecord> extends RecordWrites<TRecord> {
  get(organizationId: string, shopifyId: string): Promise<StoredRecord<TRecord> | undefined>;
  upsertMany(records: readonly TRecord[], options?: Partial<UpsertManyOptions>): Promise<WriteCounts>;
}

/**
 * Rules 1–4 as decisions on one stored item, for a store that holds items itself (the in-memory
 * one). The DynamoDB store states the same decisions as condition expressions; one contract test
 * (test/support/record-store-contract.ts) holds both to them.
 */
export type WriteDecision<TItem> =
  | { readonly outcome: 'written'; readonly item: TItem }
  | { readonly outcome: 'stale' | 'unchanged' | 'redacted' };

/** What a resource's table adds to rules 1–6: the same options for every store. */
export interface WriteRuleOptions {
  /** Attributes a record without them has removed (the DynamoDB store's sparse index keys). */
  readonly sparseAttributes?: readonly string[];
  /** Keys come back after a delete (after rule 4). */
  readonly reusedKeys?: boolean;
  /** Rule 6: the record's lists of versioned parts. */
  readonly partLists?: readonly RecordPartList[];
}

/** Rule 6: the snapshot to store, with the stored parts newer than it laid over its own. */
const withStoredParts = <TRecord extends MirroredRecord>(
  stored: StoredRecord<TRecord> | undefined,
  record: TRecord,
  lists: readonly RecordPartList[],
): TRecord => {
  const seen = (stored as Record<string, unknown> | undefined)?.[PARTS_SEEN_AT];
  if (typeof seen !== 'string' || seen <= partsSeenAt(record, lists)) return record;
  return withNewerParts(record, stored!, lists) ?? record;
};

/** What an upsert of `record` makes of the stored item (absent: none yet). */
export const decideUpsert = <TRecord extends MirroredRecord>(
  stored: StoredRecord<TRecord> | undefined,
  incoming: TRecord,
  { sparseAttributes = [], reusedKeys = false, partLists = [] }: WriteRuleOptions = {},
): WriteDecision<StoredRecord<TRecord>> => {
  if (stored?.redactedAt !== undefined) return { outcome: 'redacted' };
  const updatedAt = incoming.shopifyUpdatedAt;
  if (stored?.shopifyUpdatedAt !== undefined && stored.shopifyUpdatedAt > updatedAt)
    return { outcome: 'stale' };
  const record = partLists.length > 0 ? withStoredParts(stored, incoming, partLists) : incoming;
  // Rule 2: a snapshot newer than a reconcile-made delete proves the record alive.
  // With reused keys, a snapshot newer than any delete is the key's next life.
  const reverses =
    (reusedKeys || stored?.deleteReason === 'reconciled') &&
    stored?.deletedAt !== undefined &&
    stored.deletedAt < updatedAt;
  const item: Record<string, unknown> = { ...stored };
  for (const [name, value] of Object.entries(record)) if (value !== undefined) item[name] = value;
  for (const name of sparseAttributes)
    if ((record as Record<string, unknown>)[name] === undefined) delete item[name];
  if (reverses) {
    delete item['deletedAt'];
    delete item['deleteReason'];
  }
  // The lifecycle is set by the first write or a delete only: a late update never resurrects.
  item['status'] = reverses ? 'ACTIVE' : (stored?.status ?? 'ACTIVE');
  if (partLists.length > 0) item[PARTS_SEEN_AT] = partsSeenAt(record, partLists);
  return { outcome: 'written', item: item as StoredRecord<TRecord> };
};

/** What a delete at `deletedAt` (UTC, milliseconds) makes of the stored item. */
export const decideDelete = <TRecord extends MirroredRecord>(
  stored: StoredRecord<TRecord> | undefined,
  key: RecordKey,
  deletedAt: string,
  reason: DeleteReason,
  reusedKeys = false,
): WriteDecision<StoredRecord<TRecord>> => {
  if (stored?.redactedAt !== undefined) return { outcome: 'redacted' };
  if (reusedKeys && stored?.shopifyUpdatedAt !== undefined && stored.shopifyUpdatedAt > deletedAt)
    return { outcome: 'unchanged' };
  const earlier = stored?.deletedAt === undefined || stored.deletedAt > deletedAt;
  const byReconcile = stored?.deleteReason === 'reconciled';
  // The earliest deletion wins; Shopify's word replaces an inference, never the reverse.
  const replaces =
    stored?.deletedAt === undefined ||
    (reason === 'webhook' ? earlier || byReconcile : earlier && byReconcile);
  if (!replaces) return { outcome: 'unchanged' };
  const item = {
    ...stored,
    organizationId: key.organizationId,
    shopifyId: key.shopifyId,
    integrationId: stored?.integrationId ?? key.integrationId,
    shopDomain: stored?.shopDomain ?? key.shopDomain,
    status: 'INACTIVE',
    deletedAt,
    deleteReason: reason,
  } as StoredRecord<TRecord>;
  return { outcome: 'written', item };
};
