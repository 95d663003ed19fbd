/**
 * In-memory implementation of one resource's table: the mirror write rules (record-writes.ts,
 * applied through `decideUpsert`/`decideDelete`), the receipts of rule 5, redaction and the
 * per-store reads. For the engine's and the reconcile's unit tests, which then need no Java; the
 * shared contract test (test/support/record-store-contract.ts) holds it and the DynamoDB store to
 * the same outcomes.
 */
import { gidOf, type MirroredRecord, type StoredRecord } from '../../resources/kit/mirrored-record.js';
import { toUtcIso } from '../../resources/kit/normalize.js';
import {
  decideDelete,
  decideUpsert,
  type DeleteOutcome,
  type DeleteReason,
  type RecordKey,
  type RecordStore,
  type UpsertOutcome,
  type WriteRuleOptions,
} from '../../core/records/record-writes.js';
import type { ResourceDefinition, UpsertManyOptions, WriteCounts } from '../../resources/kit/definition.js';
import type { RecordErasure, RecordInventory, StoredRecordRef } from '../../core/integrations/ports.js';
import type { DeliveryReceipt } from '../../core/webhooks/replay-guard.js';

export interface InMemoryRecordStoreOptions extends WriteRuleOptions {
  /** Digests of processed webhook bodies: share one set between stores, as they share one table. */
  readonly receipts?: Set<string>;
  /** How a redaction erases (a whole customer, or an order's personal fields). */
  readonly definition?: Pick<ResourceDefinition<unknown>, 'gidType' | 'personalData'>;
}

export interface InMemoryRecordStore<TRecord extends MirroredRecord>
  extends RecordStore<TRecord>, RecordErasure, RecordInventory {
  /** Every stored item, for assertions. */
  items(): StoredRecord<TRecord>[];
}

const PAGE = 100;

export const createInMemoryRecordStore = <TRecord extends MirroredRecord>(
  options: InMemoryRecordStoreOptions = {},
): InMemoryRecordStore<TRecord> => {
  const items = new Map<string, StoredRecord<TRecord>>();
  const receipts = options.receipts ?? new Set<string>();
  const keyOf = (organizationId: string, shopifyId: string) => `${organizationId}\u0000${shopifyId}`;
  /** Rule 5: a receipt already recorded answers `duplicate`; any other outcome records it. */
  const once = <T>(receipt: DeliveryReceipt | undefined, write: () => T): T | 'duplicate' => {
    if (receipt && receipts.has(receipt.digest)) return 'duplicate';
    if (receipt) receipts.add(receipt.digest);
    return write();
  };
  /** A store's items in ascending id string order, as the DynamoDB `byIntegration` index reads them. */
  const ofStore = (integrationId: string) =>
    [...items.values()]
      .filter((item) => item.integrationId === integrationId)
      .sort((a, b) => (a.shopifyId < b.shopifyId ? -1 : a.shopifyId > b.shopifyId ? 1 : 0));
  const refOf = (item: StoredRecord<TRecord>): StoredRecordRef => ({
    organizationId: item.organizationId,
    shopifyId: item.shopifyId,
    ...(item.shopifyUpdatedAt !== undefined && { shopifyUpdatedAt: item.shopifyUpdatedAt }),
    ...(item.status === 'REDACTED' && { redacted: true }),
  });
  async function* pages(refs: StoredRecordRef[]): AsyncIterable<StoredRecordRef[]> {
    for (let start = 0; start < refs.length; start += PAGE) yield refs.slice(start, start + PAGE);
  }

  const upsert = async (record: TRecord, receipt?: DeliveryReceipt): Promise<UpsertOutcome> =>
    once(receipt, () => {
      const key = keyOf(record.organizationId, record.shopifyId);
      const decision = decideUpsert(items.get(key), record, options);
      if (decision.outcome !== 'written') return decision.outcome as 'stale' | 'redacted';
      items.set(key, decision.item);
      return 'written';
    });

  const markDeleted = async (
    key: RecordKey,
    deletedAt: string,
    reason: DeleteReason,
    receipt?: DeliveryReceipt,
  ): Promise<DeleteOutcome> =>
    once(receipt, () => {
      const itemKey = keyOf(key.organizationId, key.shopifyId);
      const decision = decideDelete(items.get(itemKey), key, toUtcIso(deletedAt), reason, options.reusedKeys);
      if (decision.outcome !== 'written') return decision.outcome as 'unchanged' | 'redacted';
      items.set(itemKey, decision.item);
      return 'written';
    });

  const upsertMany = async (
    records: readonly TRecord[],
    { slots }: Partial<UpsertManyOptions> = {},
  ): Promise<WriteCounts> => {
    const counts = { written: 0, stale: 0, redacted: 0 };
    for (const record of records) {
      await slots?.acquire();
      try {
        const outcome = await upsert(record);
        if (outcome !== 'duplicate') counts[outcome] += 1;
      } finally {
        slots?.release();
      }
    }
    return counts;
  };

  const redact: RecordErasure['redact'] = async ({
    organizationId,
    integrationId,
    shopDomain,
    shopifyId,
    redactedAt,
  }) => {
    const key = keyOf(organizationId, shopifyId);
    const stored = items.get(key);
    if (stored?.redactedAt !== undefined) return 'already-redacted';
    const personal = options.definition?.personalData ?? 'record';
    const kept: Record<string, unknown> = personal === 'record' ? {} : { ...stored };
    if (personal !== 'record') for (const field of personal) delete kept[field];
    items.set(key, {
      ...kept,
      organizationId,
      shopifyId,
      integrationId,
      shopDomain,
      ...(options.definition && { shopifyGid: gidOf(options.definition.gidType, shopifyId) }),
      source: 'SHOPIFY',
      status: 'REDACTED',
      redactedAt,
    } as StoredRecord<TRecord>);
    return 'redacted';
  };

  return {
    upsert,
    markDeleted,
    upsertMany,
    get: async (organizationId, shopifyId) => items.get(keyOf(organizationId, shopifyId)),
    redact,
    async deleteMany(keys) {
      let deleted = 0;
      for (const { organizationId, shopifyId } of keys)
        if (items.delete(keyOf(organizationId, shopifyId))) deleted += 1;
      return deleted;
    },
    async countByStatus(integrationId) {
      const counts = { ACTIVE: 0, INACTIVE: 0, REDACTED: 0 };
      for (const item of ofStore(integrationId)) counts[item.status] += 1;
      return counts;
    },
    async countActive(integrationId) {
      return ofStore(integrationId).filter((item) => item.status === 'ACTIVE').length;
    },
    activeUpdatedBefore(integrationId, cutoff) {
      return pages(
        ofStore(integrationId)
          .filter((item) => item.status === 'ACTIVE' && (item.shopifyUpdatedAt ?? '') < cutoff)
          .map(refOf),
      );
    },
    allKeys(integrationId) {
      return pages(ofStore(integrationId).map(refOf));
    },
    items: () => [...items.values()],
  };
};
