/**
 * What every mirrored record shares, whatever the resource: the owner (store and organization),
 * Shopify's ids and the update time the write rules (core/records/record-writes.ts) compare.
 */
import * as z from 'zod';
import { timestampSchema } from './record-schema.js';

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

/**
 * The envelope of every record schema (`record.ts` extends it with the resource's own fields).
 * The read API answers it with the lifecycle instead (a tombstone keeps only ids), so its
 * contract replaces these fields (handlers/contract/schemas.ts).
 */
export const mirroredRecordSchema = z.object({
  organizationId: z.string(),
  integrationId: z.string(),
  shopDomain: z.string(),
  shopifyId: z.string(),
  shopifyGid: z.string(),
  shopifyUpdatedAt: timestampSchema,
  source: z.literal('SHOPIFY'),
});

/** `gid://shopify/Order/123`: the global id of a numeric id of one Shopify type. */
export const gidOf = (gidType: string, shopifyId: string): string => `gid://shopify/${gidType}/${shopifyId}`;

/** What a mapping produces: the record without its owner, gid and source. */
export type RecordFields<TRecord extends MirroredRecord> = Omit<
  TRecord,
  keyof RecordOwner | 'shopifyGid' | 'source'
>;

/** The record of a mapped snapshot, owned by one store: the same for every resource and both paths. */
export const toRecord = <TRecord extends MirroredRecord>(
  gidType: string,
  fields: RecordFields<TRecord>,
  owner: RecordOwner,
): TRecord =>
  ({
    organizationId: owner.organizationId,
    integrationId: owner.integrationId,
    shopDomain: owner.shopDomain,
    ...fields,
    shopifyGid: gidOf(gidType, fields.shopifyId),
    source: 'SHOPIFY',
  }) as TRecord;
