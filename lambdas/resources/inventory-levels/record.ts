/**
 * The canonical inventory level: the stock of one inventory item at one location.
 *
 * Identity. A level has no id of its own that every path carries: its GraphQL gid
 * (`gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>`) needs the item to be unique, and
 * the `inventory_levels/disconnect` body is only `{ inventory_item_id, location_id }`. So the
 * record's `shopifyId` is `<inventoryItemId>:<locationId>` (two 64-bit decimals; `:` occurs in
 * neither): the one key the GraphQL node, the update and connect bodies, the disconnect body and
 * the table's `(organizationId, shopifyId)` key can all spell, and it reads as what it is.
 *
 * Quantities. The sync reads Shopify's named quantities (`available`, `on_hand`, `committed`,
 * `incoming`, ...); `inventory_levels/update` carries only `available` and `updated_at`. So
 * `available` and `shopifyUpdatedAt` follow every change from either path, while `quantities`
 * and `quantitiesAt` are written by the sync alone (a webhook's record leaves them out, and the
 * store sets only the fields a record has): `quantitiesAt` older than `shopifyUpdatedAt` says a
 * webhook has moved `available` since, and the next sync (which lists the levels updated since
 * its watermark) reads them again.
 */
import * as z from 'zod';
import { mirroredRecordSchema } from '../kit/mirrored-record.js';
import { timestampSchema } from '../kit/record-schema.js';

/** The names `InventoryLevel.quantities(names:)` is asked for (Shopify's documented set). */
export const quantityNames = [
  'available',
  'on_hand',
  'committed',
  'incoming',
  'reserved',
  'damaged',
  'safety_stock',
  'quality_control',
] as const;
export type QuantityName = (typeof quantityNames)[number];

const count = z.number().int();

export const inventoryLevelRecordSchema = mirroredRecordSchema
  .extend({
    inventoryItemId: z.string(),
    locationId: z.string(),
    available: count.nullable().meta({
      description: 'Sellable stock, after every change (webhook or sync); null when Shopify sent none',
    }),
    quantities: z
      .object(
        Object.fromEntries(quantityNames.map((name) => [name, count])) as {
          [K in QuantityName]: typeof count;
        },
      )
      .optional()
      .meta({ description: 'Every named quantity as of `quantitiesAt`; written by the sync only' }),
    quantitiesAt: timestampSchema
      .optional()
      .meta({ description: "The level's update time when the sync read `quantities`" }),
  })
  .describe(
    'The stock of one inventory item at one location; `shopifyId` is `<inventoryItemId>:<locationId>`',
  );

export type InventoryLevelRecord = z.infer<typeof inventoryLevelRecordSchema>;
export type InventoryLevelSnapshot = Omit<
  InventoryLevelRecord,
  'organizationId' | 'integrationId' | 'shopDomain' | 'source'
>;

/** The composite key: `<inventoryItemId>:<locationId>`. */
export const levelIdOf = (inventoryItemId: string, locationId: string): string =>
  `${inventoryItemId}:${locationId}`;
