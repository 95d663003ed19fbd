/**
 * `products/create`, `products/update` and `products/delete` payloads (REST-shaped, 2026-10).
 * Parse bodies with `parseShopifyJson` so ids stay exact. Unknown fields are allowed.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const text = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');

const productGidPattern = /^gid:\/\/shopify\/Product\/(\d+)$/;

export const productPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    title: z.string(),
    handle: z.string(),
    vendor: text,
    product_type: text,
    status: z.string(),
    /** Comma-separated, as REST has always sent them. */
    tags: z.string().nullish(),
    options: z.array(z.looseObject({ name: z.string(), values: z.array(z.string()) })).nullish(),
    variants: z.array(
      z.looseObject({
        id: shopifyId,
        title: z.string(),
        sku: text,
        price: amount,
        compare_at_price: amount.nullish(),
        inventory_quantity: z.number().int().nullish(),
      }),
    ),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine((payload) => productGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id, {
    message: 'admin_graphql_api_id does not match id',
    path: ['admin_graphql_api_id'],
  });
export type ProductPayload = z.output<typeof productPayloadSchema>;

/**
 * `products/delete`: exactly `{ id }`, as Shopify sends it. Strict: the topic header is unsigned,
 * and the shape is all that tells a delete from an update body sent under a swapped topic.
 */
export const productDeletePayloadSchema = z.strictObject({ id: shopifyId });
