/**
 * The canonical customer record. Webhooks (REST-shaped payloads) and the sync (GraphQL nodes)
 * both map into this one shape, so the same customer always yields the identical item.
 *
 * Only fields present in both the 2026-10 webhook payload and the non-deprecated 2026-10
 * GraphQL `Customer` type are kept. `currency` is in the webhook but not on `Customer`, so it
 * is left out rather than filled by one path only.
 */
import type { PostalAddress } from '../kit/shopify-fields.js';
import {
  gidOf,
  type MirroredRecord,
  type RecordOwner,
  type RecordStatus,
  type StoredRecord,
} from '../kit/mirrored-record.js';

export { blankToNull, toUtcIso } from '../kit/normalize.js';
export const customerStates = ['ENABLED', 'DISABLED', 'INVITED', 'DECLINED'] as const;
export type CustomerState = (typeof customerStates)[number];

/** A customer's address keeps its own id besides the postal fields every address has. */
export interface CustomerAddress extends PostalAddress {
  readonly id: string | null;
}

/** What Shopify says about a customer, whichever API it came through. */
export interface CustomerSnapshot {
  /** Numeric id as a decimal string: Shopify ids are 64-bit and must never pass through a JS number. */
  readonly shopifyId: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly state: CustomerState;
  readonly verifiedEmail: boolean;
  readonly taxExempt: boolean;
  readonly taxExemptions: readonly string[];
  readonly note: string | null;
  readonly defaultAddress: CustomerAddress | null;
  /** UTC ISO-8601 with milliseconds, so string order is time order. */
  readonly createdAt: string;
  readonly shopifyUpdatedAt: string;
}

/** Which store a snapshot belongs to. */
export type CustomerOwner = RecordOwner;

export type CustomerRecord = CustomerSnapshot & MirroredRecord;

export type CustomerStatus = RecordStatus;

export type StoredCustomer = StoredRecord<CustomerRecord>;

export const customerGid = (shopifyId: string): string => gidOf('Customer', shopifyId);

export const toCustomerRecord = (snapshot: CustomerSnapshot, owner: CustomerOwner): CustomerRecord => ({
  organizationId: owner.organizationId,
  integrationId: owner.integrationId,
  shopDomain: owner.shopDomain,
  ...snapshot,
  shopifyGid: customerGid(snapshot.shopifyId),
  source: 'SHOPIFY',
});
