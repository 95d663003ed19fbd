/**
 * The canonical location record: where a store keeps and fulfils stock. Webhooks (REST-shaped
 * `locations/*`) and the sync (GraphQL) map into this one shape, so it holds only what both
 * carry: GraphQL's `deactivatedAt`, `fulfillsOnlineOrders` or `shipsInventory` have no REST
 * counterpart, and a field one path cannot fill would make the two disagree.
 */
import * as z from 'zod';
import type { MirroredRecord } from '../../core/resources/mirrored-record.js';

const text = z.string().nullable();

/** The record's own fields; the read API's contract and the typed client use this shape. */
export const locationFields = {
  name: z.string(),
  /** False once the merchant deactivated it (`locations/deactivate`); its record stays ACTIVE. */
  isActive: z.boolean(),
  address1: text,
  address2: text,
  city: text,
  zip: text,
  province: text,
  provinceCode: text,
  /** The country's name (GraphQL `address.country`, REST `country_name`). */
  country: text,
  countryCode: text,
  phone: text,
  createdAt: z.string(),
};

export const locationSnapshotSchema = z.object({
  shopifyId: z.string(),
  shopifyUpdatedAt: z.string(),
  ...locationFields,
});
export type LocationSnapshot = z.infer<typeof locationSnapshotSchema>;
export type LocationRecord = LocationSnapshot & MirroredRecord;
