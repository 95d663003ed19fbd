/**
 * `orders/create`, `orders/updated` and `orders/delete` payloads (REST-shaped, 2026-10). Parse
 * bodies with `parseShopifyJson` so every `id` / `*_id` stays an exact decimal string. Amounts
 * arrive as decimal strings (`"12.50"`) and stay strings. Unknown fields are allowed.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const text = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');
const money = z.looseObject({ amount, currency_code: z.string() });
const moneySet = z.looseObject({ shop_money: money, presentment_money: money });

const address = z.looseObject({
  first_name: text,
  last_name: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  country: text,
  country_code: text,
  zip: text,
  phone: text,
});
export type OrderPayloadAddress = z.output<typeof address>;

const lineItem = z.looseObject({
  id: shopifyId,
  title: z.string(),
  quantity: z.number().int(),
  sku: text,
  variant_id: shopifyId.nullish(),
  product_id: shopifyId.nullish(),
  price_set: z.looseObject({ shop_money: money }),
  /** The line-level discounts (their sum is what GraphQL takes off for discountedTotalSet). */
  discount_allocations: z.array(z.looseObject({ amount })).nullish(),
});
export type OrderPayloadLineItem = z.output<typeof lineItem>;

const orderGidPattern = /^gid:\/\/shopify\/Order\/(\d+)$/;
const idsAgree = (payload: { id: string; admin_graphql_api_id: string }): boolean =>
  orderGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id;
const idsAgreeRule = { message: 'admin_graphql_api_id does not match id', path: ['admin_graphql_api_id'] };

export const orderPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    name: z.string(),
    customer: z.looseObject({ id: shopifyId }).nullish(),
    email: text,
    phone: text,
    financial_status: text,
    fulfillment_status: text,
    currency: z.string(),
    presentment_currency: z.string(),
    subtotal_price_set: moneySet.nullish(),
    total_tax_set: moneySet.nullish(),
    total_price_set: moneySet,
    current_total_price_set: moneySet,
    line_items: z.array(lineItem),
    shipping_address: address.nullish(),
    billing_address: address.nullish(),
    /** Comma-separated, as REST has always sent them. */
    tags: z.string().nullish(),
    note: text,
    cancelled_at: timestamp.nullish(),
    cancel_reason: text,
    closed_at: timestamp.nullish(),
    processed_at: timestamp,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine(idsAgree, idsAgreeRule);
export type OrderPayload = z.output<typeof orderPayloadSchema>;

/**
 * `orders/delete`: exactly `{ id }`, as Shopify sends it. Strict: the topic header is unsigned, and
 * the shape is all that tells a delete from an update body sent under a swapped topic.
 */
export const orderDeletePayloadSchema = z.strictObject({ id: shopifyId });
