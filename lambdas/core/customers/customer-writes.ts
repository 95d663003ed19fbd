/**
 * The write rules of the customer mirror, and the port that enforces them. Shopify delivers
 * webhooks at least once, in any order, sometimes a day late, and the sync races them; these
 * rules make the stored item a function of the SET of facts received, not of their order:
 *
 * 1. Snapshot fields (name, email, address, ...) follow `shopifyUpdatedAt`: a write lands only if
 *    the stored snapshot is not newer (equal timestamps rewrite: Shopify stamps to the second, so
 *    two edits within one second are settled by the next update or sync).
 * 2. Lifecycle follows deletions: once deleted by a webhook, a customer stays INACTIVE whatever
 *    snapshot arrives later (Shopify never reuses customer ids). `deletedAt`/`deleteReason` keep
 *    the EARLIEST deletion seen, so duplicate deletes cannot move it. A reconcile-made delete is
 *    an inference, not Shopify's word: a snapshot updated after it proves the customer alive and
 *    reverses it (ACTIVE again, deletedAt/deleteReason removed), and a webhook delete replaces it.
 * 3. A delete for an unknown customer leaves a tombstone (ids + lifecycle), which a late, older
 *    create then fills with its snapshot: create→delete and delete→create end identical.
 * 4. A REDACTED item (compliance) is never written again by either path.
 */
import type { CustomerRecord, StoredCustomer } from './customer-record.js';

export type UpsertOutcome = 'written' | 'stale' | 'redacted';
/** `unchanged`: the customer was already deleted at or before this time. */
export type DeleteOutcome = 'written' | 'unchanged' | 'redacted';
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
  upsert(record: CustomerRecord): Promise<UpsertOutcome>;
  /** `deletedAt` is any ISO-8601 timestamp; it is stored as UTC with milliseconds. */
  markDeleted(key: CustomerKey, deletedAt: string, reason: DeleteReason): Promise<DeleteOutcome>;
}

export interface CustomerStore extends CustomerWrites {
  get(organizationId: string, shopifyId: string): Promise<StoredCustomer | undefined>;
  upsertMany(
    records: readonly CustomerRecord[],
    options?: { concurrency?: number },
  ): Promise<UpsertManyResult>;
}
