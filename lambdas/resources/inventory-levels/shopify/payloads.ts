/**
 * `inventory_levels/update` and `/connect` carry one level (REST-shaped, 2026-10: the item, the
 * location, `available` and `updated_at`); `/disconnect` only the item and the location. Parse
 * bodies with `parseShopifyJson` so ids stay exact.
 */
import * as z from 'zod';
import { levelIdOf } from '../record.js';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');

const levelGidPattern = /^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=(\d+)$/;

export const inventoryLevelPayloadSchema = z
  .looseObject({
    inventory_item_id: shopifyId,
    location_id: shopifyId,
    available: z.number().int().nullable(),
    updated_at: timestamp,
    admin_graphql_api_id: z.string(),
  })
  .refine(
    (payload) => levelGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.inventory_item_id,
    { message: 'admin_graphql_api_id does not match inventory_item_id', path: ['admin_graphql_api_id'] },
  );
export type InventoryLevelPayload = z.output<typeof inventoryLevelPayloadSchema>;

/**
 * `inventory_levels/disconnect`: exactly the item and the location, keyed as the record is.
 * Strict, so an update body (it has `available`, `updated_at`) under a swapped topic is refused.
 */
export const inventoryLevelDisconnectPayloadSchema = z
  .strictObject({ inventory_item_id: shopifyId, location_id: shopifyId })
  .transform((payload) => ({ id: levelIdOf(payload.inventory_item_id, payload.location_id) }));
