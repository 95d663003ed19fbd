/**
 * `orders/create`, `orders/updated` and `orders/delete` payloads (REST-shaped, 2026-10). Parse
 * bodies with `parseShopifyJson` so every `id` / `*_id` stays an exact decimal string. Amounts
 * arrive as decimal strings (`"12.50"`) and stay strings. Unknown fields are allowed.
 */
import * as z from 'zod';
import {
  idsAgree,
  restAddressShape,
  restAmountSchema as amount,
  restIdSchema as shopifyId,
  restTextSchema as text,
  restTimestampSchema as timestamp,
} from '../../kit/shopify-fields.js';

const money = z.looseObject({ amount, currency_code: z.string() });
const moneySet = z.looseObject({ shop_money: money, presentment_money: money });
const address = z.looseObject(restAddressShape);

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

/**
 * A fulfillment as REST states it: in an order's `fulfillments` and as the fulfillments/* body.
 * Its `line_items` are the order's line items with the quantity this fulfillment shipped.
 */
export const fulfillmentPayloadSchema = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  status: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  location_id: shopifyId.nullish(),
  tracking_company: text,
  tracking_numbers: z.array(z.string()).nullish(),
  tracking_urls: z.array(z.string()).nullish(),
  line_items: z.array(z.looseObject({ id: shopifyId, quantity: z.number().int() })),
});
export type FulfillmentPayload = z.output<typeof fulfillmentPayloadSchema>;

/** A refund as REST states it: in an order's `refunds` and as the refunds/create body. */
export const refundPayloadSchema = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  created_at: timestamp.nullish(),
  note: text,
  refund_line_items: z.array(
    z.looseObject({ line_item_id: shopifyId, quantity: z.number().int(), subtotal_set: moneySet }),
  ),
  transactions: z.array(
    z.looseObject({
      id: shopifyId,
      kind: z.string(),
      status: z.string(),
      amount,
      /** The transaction's currency: the order's presentment currency. */
      currency: z.string().nullish(),
    }),
  ),
});
export type RefundPayload = z.output<typeof refundPayloadSchema>;

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
    /** Every fulfillment and refund of the order; a body without them leaves the stored ones. */
    fulfillments: z.array(fulfillmentPayloadSchema).nullish(),
    refunds: z.array(refundPayloadSchema).nullish(),
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
  .refine(...idsAgree('Order'));
export type OrderPayload = z.output<typeof orderPayloadSchema>;

/**
 * `orders/delete`: exactly `{ id }`, as Shopify sends it. Strict: the topic header is unsigned, and
 * the shape is all that tells a delete from an update body sent under a swapped topic.
 */
export const orderDeletePayloadSchema = z.strictObject({ id: shopifyId });
