/**
 * The canonical inventory item: the stock-keeping side of one product variant (Shopify makes
 * exactly one per variant). Webhooks (REST-shaped `inventory_items/*`) and the sync (GraphQL)
 * map into this one shape. `cost` is an exact decimal string in the shop's currency: REST sends
 * the amount without a currency code, so storing GraphQL's code would make the paths disagree
 * (as for product prices).
 */
import * as z from 'zod';
import type { MirroredRecord } from '../../core/resources/mirrored-record.js';

const text = z.string().nullable();

/** The record's own fields; the read API's contract and the typed client use this shape. */
export const inventoryItemFields = {
  sku: text,
  /** Whether Shopify counts stock for it; an untracked item's levels are not kept up to date. */
  tracked: z.boolean(),
  requiresShipping: z.boolean(),
  /** Unit cost, exact (`"12.50"`), in the shop's currency; null when none is set. */
  cost: text,
  countryCodeOfOrigin: text,
  provinceCodeOfOrigin: text,
  harmonizedSystemCode: text,
  createdAt: z.string(),
};

export const inventoryItemSnapshotSchema = z.object({
  shopifyId: z.string(),
  shopifyUpdatedAt: z.string(),
  ...inventoryItemFields,
});
export type InventoryItemSnapshot = z.infer<typeof inventoryItemSnapshotSchema>;
export type InventoryItemRecord = InventoryItemSnapshot & MirroredRecord;
