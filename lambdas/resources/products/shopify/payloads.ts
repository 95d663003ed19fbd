/**
 * `products/create`, `products/update` and `products/delete` payloads (REST-shaped, 2026-10).
 * Parse bodies with `parseShopifyJson` so ids stay exact. Unknown fields are allowed.
 */
import * as z from 'zod';
import {
  idsAgree,
  restAmountSchema as amount,
  restIdSchema as shopifyId,
  restTextSchema as text,
  restTimestampSchema as timestamp,
} from '../../kit/shopify-fields.js';

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
  .refine(...idsAgree('Product'));
export type ProductPayload = z.output<typeof productPayloadSchema>;

/**
 * `products/delete`: exactly `{ id }`, as Shopify sends it. Strict: the topic header is unsigned,
 * and the shape is all that tells a delete from an update body sent under a swapped topic.
 */
export const productDeletePayloadSchema = z.strictObject({ id: shopifyId });
