/**
 * The write rules of the customer mirror, and the port that enforces them. Shopify delivers
 * webhooks at least once, in any order, sometimes a day late, and the sync races them; these
 * rules make the stored item a function of the SET of facts received, not of their order:
 *
 * 1. Snapshot fields (name, email, address, ...) follow `shopifyUpdatedAt`: a write lands only if
 *    the stored snapshot is not newer (equal timestamps rewrite: Shopify stamps to the second, so
 *    two edits within one second are settled by the next update or sync).
 * 2. Lifecycle follows deletions: once deleted, a customer stays INACTIVE whatever snapshot
 *    arrives later (Shopify never reuses customer ids). `deletedAt`/`deleteReason` keep the
 *    EARLIEST deletion seen, so duplicate or reconciled deletes cannot move it.
 * 3. A delete for an unknown customer leaves a tombstone (ids + lifecycle), which a late, older
 *    create then fills with its snapshot: create→delete and delete→create end identical.
 * 4. A REDACTED item (compliance) is never written again by either path.
 * 5. A write with a receipt (a webhook's body digest) happens at most once per receipt, across
 *    every organization: the receipt is recorded with the outcome, whatever it is, and a second
 *    write with the same receipt answers `duplicate` and changes nothing.
 */
import type { DeliveryReceipt } from '../webhooks/replay-guard.js';
import type { CustomerRecord, StoredCustomer } from './customer-record.js';

/** `duplicate`: the write carried a receipt that was already recorded; nothing changed. */
export type UpsertOutcome = 'written' | 'stale' | 'redacted' | 'duplicate';
/** `unchanged`: the customer was already deleted at or before this time. */
export type DeleteOutcome = 'written' | 'unchanged' | 'redacted' | 'duplicate';
export type DeleteReason = 'webhook' | 'reconciled';

export interface CustomerKey {
  readonly organizationId: string;
  readonly shopifyId: string;
  readonly integrationId: string;
  readonly shopDomain: string;
}

export interface UpsertManyResult {
  readonly written: number;
  readonly stale: number;
  readonly redacted: number;
}

export interface CustomerWrites {
  upsert(record: CustomerRecord, receipt?: DeliveryReceipt): Promise<UpsertOutcome>;
  /** `deletedAt` is any ISO-8601 timestamp; it is stored as UTC with milliseconds. */
  markDeleted(
    key: CustomerKey,
    deletedAt: string,
    reason: DeleteReason,
    receipt?: DeliveryReceipt,
  ): Promise<DeleteOutcome>;
}

export interface CustomerStore extends CustomerWrites {
  get(organizationId: string, shopifyId: string): Promise<StoredCustomer | undefined>;
  upsertMany(
    records: readonly CustomerRecord[],
    options?: { concurrency?: number },
  ): Promise<UpsertManyResult>;
}
