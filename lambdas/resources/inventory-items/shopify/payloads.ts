/**
 * `inventory_items/create|update` carry the whole item (REST-shaped, 2026-10); the delete carries
 * its id and the trade fields Shopify clears with it. Parse bodies with `parseShopifyJson` so ids
 * stay exact.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const text = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');

const itemGidPattern = /^gid:\/\/shopify\/InventoryItem\/(\d+)$/;

export const inventoryItemPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    sku: text,
    tracked: z.boolean(),
    requires_shipping: z.boolean(),
    /** A decimal string, never a JSON number: a float would not keep the amount exact. */
    cost: amount.nullish(),
    country_code_of_origin: text,
    province_code_of_origin: text,
    harmonized_system_code: text,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine((payload) => itemGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id, {
    message: 'admin_graphql_api_id does not match id',
    path: ['admin_graphql_api_id'],
  });
export type InventoryItemPayload = z.output<typeof inventoryItemPayloadSchema>;

/**
 * `inventory_items/delete`: the id and the cleared trade fields, nothing else. Strict, so an
 * update body (it has `sku`, `tracked`, `updated_at`) under a swapped topic is refused.
 */
export const inventoryItemDeletePayloadSchema = z
  .strictObject({
    id: shopifyId,
    country_code_of_origin: z.null().optional(),
    province_code_of_origin: z.null().optional(),
    harmonized_system_code: z.null().optional(),
    country_harmonized_system_codes: z.array(z.unknown()).max(0).optional(),
  })
  .transform(({ id }) => ({ id }));
