/**
 * The canonical inventory item: the stock-keeping side of one product variant (Shopify makes
 * exactly one per variant). Webhooks (REST-shaped `inventory_items/*`) and the sync (GraphQL)
 * map into this one shape; this schema is its only statement. `cost` is an exact decimal string
 * in the shop's currency: REST sends the amount without a currency code, so storing GraphQL's
 * code would make the paths disagree (as for product prices).
 */
import * as z from 'zod';
import { decimalTextSchema } from '../kit/money.js';
import { mirroredRecordSchema, type RecordFields } from '../kit/mirrored-record.js';
import { nullableTextSchema, timestampSchema } from '../kit/record-schema.js';

export const inventoryItemRecordSchema = mirroredRecordSchema
  .extend({
    sku: nullableTextSchema,
    tracked: z.boolean().meta({ description: 'Whether Shopify counts stock for it' }),
    requiresShipping: z.boolean(),
    cost: decimalTextSchema
      .nullable()
      .meta({ description: "Unit cost, exact, in the shop's currency; null when none is set" }),
    countryCodeOfOrigin: nullableTextSchema,
    provinceCodeOfOrigin: nullableTextSchema,
    harmonizedSystemCode: nullableTextSchema,
    createdAt: timestampSchema,
  })
  .describe('A mirrored inventory item (one per variant); a deleted one keeps only its ids');

export type InventoryItemRecord = z.infer<typeof inventoryItemRecordSchema>;
export type InventoryItemSnapshot = RecordFields<InventoryItemRecord>;
