/**
 * Both ways into the order record: a node of `ordersPageQuery` with all its line items (the
 * sync) and an `orders/create|updated` payload (webhooks, REST-shaped), so a webhook and the sync
 * store the identical item: enums upper-cased like GraphQL's, tags split, amounts canonical, and
 * a line's discounted total computed exactly as GraphQL reports it (quantity × unit price − the
 * discounts allocated to the line).
 */
import * as z from 'zod';
import {
  addressFromGraphql,
  addressFromRest,
  gidSchema,
  graphqlAddressShape,
  numericIdOfGid,
  optionalText,
  timestampSchema,
} from '../../kit/shopify-fields.js';
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { lineTotal, money, type MoneyPair, sumAmounts } from '../../kit/money.js';
import { sortedTags } from '../../kit/record-schema.js';
import type { OrderLineItem, OrderRecord, OrderSnapshot } from '../record.js';
import type { OrderPayload } from './payloads.js';

export const gidType = 'Order';

const gid = gidSchema;
const text = optionalText;
const timestamp = timestampSchema;
const moneySchema = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneySchema, presentmentMoney: moneySchema });
const shopMoneyBag = z.object({ shopMoney: moneySchema });

const addressSchema = z.object(graphqlAddressShape);

export const graphqlLineItemSchema = z.object({
  id: gid,
  title: z.string(),
  quantity: z.number().int(),
  sku: text,
  variant: z.object({ id: gid }).nullish(),
  product: z.object({ id: gid }).nullish(),
  originalUnitPriceSet: shopMoneyBag,
  discountedTotalSet: shopMoneyBag,
});

export const lineItemConnectionSchema = z.object({
  nodes: z.array(graphqlLineItemSchema),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

export const graphqlOrderSchema = z.object({
  id: gid,
  name: z.string(),
  customer: z.object({ id: gid }).nullish(),
  email: text,
  phone: text,
  displayFinancialStatus: z.string().nullish(),
  displayFulfillmentStatus: z.string(),
  currencyCode: z.string(),
  presentmentCurrencyCode: z.string(),
  subtotalPriceSet: moneyBag.nullish(),
  totalTaxSet: moneyBag.nullish(),
  totalPriceSet: moneyBag,
  currentTotalPriceSet: moneyBag,
  shippingAddress: addressSchema.nullish(),
  billingAddress: addressSchema.nullish(),
  tags: z.array(z.string()),
  note: text,
  cancelledAt: timestamp.nullish(),
  cancelReason: z.string().nullish(),
  closedAt: timestamp.nullish(),
  processedAt: timestamp,
  createdAt: timestamp,
  updatedAt: timestamp,
  lineItems: lineItemConnectionSchema,
});

export type GraphqlOrder = z.infer<typeof graphqlOrderSchema>;
export type GraphqlLineItem = z.infer<typeof graphqlLineItemSchema>;

const pair = (bag: z.infer<typeof moneyBag>): MoneyPair => ({
  shop: money(bag.shopMoney.amount, bag.shopMoney.currencyCode),
  presentment: money(bag.presentmentMoney.amount, bag.presentmentMoney.currencyCode),
});

const toLineItem = (item: z.infer<typeof graphqlLineItemSchema>): OrderLineItem => ({
  id: numericIdOfGid(item.id),
  title: item.title,
  quantity: item.quantity,
  sku: blankToNull(item.sku),
  variantId: item.variant ? numericIdOfGid(item.variant.id) : null,
  productId: item.product ? numericIdOfGid(item.product.id) : null,
  unitPrice: money(
    item.originalUnitPriceSet.shopMoney.amount,
    item.originalUnitPriceSet.shopMoney.currencyCode,
  ),
  discountedTotal: money(
    item.discountedTotalSet.shopMoney.amount,
    item.discountedTotalSet.shopMoney.currencyCode,
  ),
});

const isoOrNull = (value: string | null | undefined): string | null => (value ? toUtcIso(value) : null);

const fieldsFromGraphql = (node: GraphqlOrder): OrderSnapshot => ({
  shopifyId: numericIdOfGid(node.id),
  name: node.name,
  ...(node.customer && { customerId: numericIdOfGid(node.customer.id) }),
  email: blankToNull(node.email),
  phone: blankToNull(node.phone),
  financialStatus: node.displayFinancialStatus ?? null,
  fulfillmentStatus: node.displayFulfillmentStatus,
  currency: node.currencyCode,
  presentmentCurrency: node.presentmentCurrencyCode,
  subtotalPrice: node.subtotalPriceSet ? pair(node.subtotalPriceSet) : null,
  totalTax: node.totalTaxSet ? pair(node.totalTaxSet) : null,
  totalPrice: pair(node.totalPriceSet),
  currentTotalPrice: pair(node.currentTotalPriceSet),
  lineItems: node.lineItems.nodes.map(toLineItem),
  shippingAddress: node.shippingAddress ? addressFromGraphql(node.shippingAddress) : null,
  billingAddress: node.billingAddress ? addressFromGraphql(node.billingAddress) : null,
  tags: sortedTags(node.tags),
  note: blankToNull(node.note),
  cancelledAt: isoOrNull(node.cancelledAt),
  cancelReason: node.cancelReason ?? null,
  closedAt: isoOrNull(node.closedAt),
  processedAt: toUtcIso(node.processedAt),
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});

type MoneySet = NonNullable<OrderPayload['total_price_set']>;

const pairOfSet = (set: MoneySet): MoneyPair => ({
  shop: money(set.shop_money.amount, set.shop_money.currency_code),
  presentment: money(set.presentment_money.amount, set.presentment_money.currency_code),
});

/** REST's `partial` is GraphQL's PARTIALLY_FULFILLED; no status yet is UNFULFILLED. */
const fulfillmentStatus = (status: string | null | undefined): string =>
  !status ? 'UNFULFILLED' : status === 'partial' ? 'PARTIALLY_FULFILLED' : status.toUpperCase();

const fieldsFromWebhook = (payload: OrderPayload): OrderSnapshot => ({
  shopifyId: payload.id,
  name: payload.name,
  ...(payload.customer && { customerId: payload.customer.id }),
  email: blankToNull(payload.email),
  phone: blankToNull(payload.phone),
  financialStatus: payload.financial_status ? payload.financial_status.toUpperCase() : null,
  fulfillmentStatus: fulfillmentStatus(payload.fulfillment_status),
  currency: payload.currency,
  presentmentCurrency: payload.presentment_currency,
  subtotalPrice: payload.subtotal_price_set ? pairOfSet(payload.subtotal_price_set) : null,
  totalTax: payload.total_tax_set ? pairOfSet(payload.total_tax_set) : null,
  totalPrice: pairOfSet(payload.total_price_set),
  currentTotalPrice: pairOfSet(payload.current_total_price_set),
  lineItems: payload.line_items.map((item) => {
    const unitPrice = money(item.price_set.shop_money.amount, item.price_set.shop_money.currency_code);
    const discount = sumAmounts((item.discount_allocations ?? []).map((allocation) => allocation.amount));
    return {
      id: item.id,
      title: item.title,
      quantity: item.quantity,
      sku: blankToNull(item.sku),
      variantId: item.variant_id ?? null,
      productId: item.product_id ?? null,
      unitPrice,
      discountedTotal: lineTotal(unitPrice, item.quantity, discount),
    };
  }),
  shippingAddress: payload.shipping_address ? addressFromRest(payload.shipping_address) : null,
  billingAddress: payload.billing_address ? addressFromRest(payload.billing_address) : null,
  tags: sortedTags((payload.tags ?? '').split(',')),
  note: blankToNull(payload.note),
  cancelledAt: isoOrNull(payload.cancelled_at),
  cancelReason: payload.cancel_reason ? payload.cancel_reason.toUpperCase() : null,
  closedAt: isoOrNull(payload.closed_at),
  processedAt: toUtcIso(payload.processed_at),
  createdAt: toUtcIso(payload.created_at),
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});

/** `node.lineItems` must hold every line item by now (the definition pages the rest in first). */
export const fromGraphql = (node: GraphqlOrder, owner: RecordOwner): OrderRecord =>
  toRecord<OrderRecord>(gidType, fieldsFromGraphql(node), owner);

export const fromWebhook = (payload: OrderPayload, owner: RecordOwner): OrderRecord =>
  toRecord<OrderRecord>(gidType, fieldsFromWebhook(payload), owner);
