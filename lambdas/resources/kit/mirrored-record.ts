/**
 * What every mirrored record shares, whatever the resource: the owner (store and organization),
 * Shopify's ids and the update time the write rules (record-writes.ts) compare.
 */

/** The store a record belongs to; every resource of an integration shares it. */
export interface RecordOwner {
  readonly organizationId: string;
  readonly integrationId: string;
  readonly shopDomain: string;
}

export interface MirroredRecord extends RecordOwner {
  /** Numeric id as a decimal string: Shopify ids are 64-bit and must never pass through a JS number. */
  readonly shopifyId: string;
  readonly shopifyGid: string;
  /** UTC ISO-8601 with milliseconds, so string order is time order. */
  readonly shopifyUpdatedAt: string;
  readonly source: 'SHOPIFY';
}

export type RecordStatus = 'ACTIVE' | 'INACTIVE' | 'REDACTED';

/** A stored item: the record plus its lifecycle. A tombstone may lack the snapshot fields. */
export type StoredRecord<TRecord extends MirroredRecord = MirroredRecord> = Partial<TRecord> &
  RecordOwner & {
    readonly shopifyId: string;
    readonly status: RecordStatus;
    readonly deletedAt?: string;
    readonly deleteReason?: 'webhook' | 'reconciled';
    readonly redactedAt?: string;
  };

/** `gid://shopify/Order/123`: the global id of a numeric id of one Shopify type. */
export const gidOf = (gidType: string, shopifyId: string): string => `gid://shopify/${gidType}/${shopifyId}`;
