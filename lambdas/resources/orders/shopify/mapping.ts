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
import { blankToNull, byNumericId, toUtcIso } from '../../kit/normalize.js';
import { lineTotal, money, type MoneyPair, sumAmounts } from '../../kit/money.js';
import { sortedTags } from '../../kit/record-schema.js';
import type {
  Money,
  OrderFulfillment,
  OrderLineItem,
  OrderRecord,
  OrderRefund,
  OrderSnapshot,
} from '../record.js';
import type { FulfillmentPayload, OrderPayload, RefundPayload } from './payloads.js';

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

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const connectionOf = <T extends z.ZodType>(node: T) => z.object({ nodes: z.array(node), pageInfo });

export const graphqlFulfillmentLineItemSchema = z.object({
  id: gid,
  quantity: z.number().int().nullish(),
  lineItem: z.object({ id: gid }),
});
export const graphqlRefundLineItemSchema = z.object({
  quantity: z.number().int(),
  lineItem: z.object({ id: gid }),
  subtotalSet: moneyBag,
});
export const graphqlRefundTransactionSchema = z.object({
  id: gid,
  kind: z.string(),
  status: z.string(),
  amountSet: z.object({ presentmentMoney: moneySchema }),
});

export const graphqlFulfillmentSchema = z.object({
  id: gid,
  status: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  location: z.object({ id: gid }).nullish(),
  trackingInfo: z.array(z.object({ company: text, number: text, url: text })),
  fulfillmentLineItems: connectionOf(graphqlFulfillmentLineItemSchema),
});
export const graphqlRefundSchema = z.object({
  id: gid,
  createdAt: timestamp.nullish(),
  note: text,
  totalRefundedSet: z.object({ presentmentMoney: moneySchema }),
  refundLineItems: connectionOf(graphqlRefundLineItemSchema),
  transactions: connectionOf(graphqlRefundTransactionSchema),
});
export type GraphqlFulfillment = z.infer<typeof graphqlFulfillmentSchema>;
export type GraphqlRefund = z.infer<typeof graphqlRefundSchema>;
export type GraphqlFulfillmentLineItem = z.infer<typeof graphqlFulfillmentLineItemSchema>;
export type GraphqlRefundLineItem = z.infer<typeof graphqlRefundLineItemSchema>;
export type GraphqlRefundTransaction = z.infer<typeof graphqlRefundTransactionSchema>;

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
  fulfillments: z.array(graphqlFulfillmentSchema),
  refunds: z.array(graphqlRefundSchema),
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

/** Numeric ids in number order (ids are decimal strings of up to 20 digits). */
const sortedBy = <T>(items: readonly T[], key: (item: T) => string): T[] =>
  [...items].sort((a, b) => byNumericId(key(a), key(b)));

const moneyOf = (value: z.infer<typeof moneySchema>): Money => money(value.amount, value.currencyCode);

const fulfillmentFromGraphql = (fulfillment: GraphqlFulfillment): OrderFulfillment => ({
  id: numericIdOfGid(fulfillment.id),
  status: fulfillment.status,
  createdAt: toUtcIso(fulfillment.createdAt),
  updatedAt: toUtcIso(fulfillment.updatedAt),
  locationId: fulfillment.location ? numericIdOfGid(fulfillment.location.id) : null,
  trackingInfo: fulfillment.trackingInfo.map((tracking) => ({
    company: blankToNull(tracking.company),
    number: blankToNull(tracking.number),
    url: blankToNull(tracking.url),
  })),
  lineItems: sortedBy(
    fulfillment.fulfillmentLineItems.nodes.map((line) => ({
      lineItemId: numericIdOfGid(line.lineItem.id),
      quantity: line.quantity ?? 0,
    })),
    (line) => line.lineItemId,
  ),
});

const refundFromGraphql = (refund: GraphqlRefund): OrderRefund => ({
  id: numericIdOfGid(refund.id),
  createdAt: isoOrNull(refund.createdAt),
  note: blankToNull(refund.note),
  totalRefunded: moneyOf(refund.totalRefundedSet.presentmentMoney),
  lineItems: sortedBy(
    refund.refundLineItems.nodes.map((line) => ({
      lineItemId: numericIdOfGid(line.lineItem.id),
      quantity: line.quantity,
      subtotal: pair(line.subtotalSet),
    })),
    (line) => line.lineItemId,
  ),
  transactions: sortedBy(
    refund.transactions.nodes.map((transaction) => ({
      id: numericIdOfGid(transaction.id),
      kind: transaction.kind,
      status: transaction.status,
      amount: moneyOf(transaction.amountSet.presentmentMoney),
    })),
    (transaction) => transaction.id,
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
  fulfillments: sortedBy(node.fulfillments.map(fulfillmentFromGraphql), (fulfillment) => fulfillment.id),
  refunds: sortedBy(node.refunds.map(refundFromGraphql), (refund) => refund.id),
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

/** REST's lower-case enums are GraphQL's upper-case ones (`success` is SUCCESS). */
const upper = (value: string): string => value.toUpperCase();

/**
 * REST states tracking as one company with parallel number and URL lists; GraphQL as one
 * entry per number. A company with no number yet is one entry without a number.
 */
const trackingFromRest = (fulfillment: FulfillmentPayload): OrderFulfillment['trackingInfo'] => {
  const company = blankToNull(fulfillment.tracking_company);
  const numbers = fulfillment.tracking_numbers ?? [];
  const urls = fulfillment.tracking_urls ?? [];
  if (numbers.length === 0) return company ? [{ company, number: null, url: blankToNull(urls[0]) }] : [];
  return numbers.map((number, at) => ({ company, number: blankToNull(number), url: blankToNull(urls[at]) }));
};

export const fulfillmentFromRest = (fulfillment: FulfillmentPayload): OrderFulfillment => ({
  id: fulfillment.id,
  status: upper(fulfillment.status),
  createdAt: toUtcIso(fulfillment.created_at),
  updatedAt: toUtcIso(fulfillment.updated_at),
  locationId: fulfillment.location_id ?? null,
  trackingInfo: trackingFromRest(fulfillment),
  lineItems: sortedBy(
    fulfillment.line_items.map((line) => ({ lineItemId: line.id, quantity: line.quantity })),
    (line) => line.lineItemId,
  ),
});

/**
 * REST refunds state no total: GraphQL's totalRefundedSet is the sum of the refund's successful
 * REFUND transactions, in the currency those transactions are in (the presentment currency).
 */
export const refundFromRest = (refund: RefundPayload, presentmentCurrency: string): OrderRefund => {
  const refunded = refund.transactions.filter(
    (transaction) => upper(transaction.kind) === 'REFUND' && upper(transaction.status) === 'SUCCESS',
  );
  return {
    id: refund.id,
    createdAt: isoOrNull(refund.created_at),
    note: blankToNull(refund.note),
    totalRefunded: money(
      sumAmounts(refunded.map((transaction) => transaction.amount)),
      refunded[0]?.currency ?? presentmentCurrency,
    ),
    lineItems: sortedBy(
      refund.refund_line_items.map((line) => ({
        lineItemId: line.line_item_id,
        quantity: line.quantity,
        subtotal: pairOfSet(line.subtotal_set),
      })),
      (line) => line.lineItemId,
    ),
    transactions: sortedBy(
      refund.transactions.map((transaction) => ({
        id: transaction.id,
        kind: upper(transaction.kind),
        status: upper(transaction.status),
        amount: money(transaction.amount, transaction.currency ?? presentmentCurrency),
      })),
      (transaction) => transaction.id,
    ),
  };
};

/** A webhook body may lack the nested lists; then they are left out and the stored ones stay. */
type WebhookSnapshot = Omit<OrderSnapshot, 'fulfillments' | 'refunds'> &
  Partial<Pick<OrderSnapshot, 'fulfillments' | 'refunds'>>;

const fieldsFromWebhook = (payload: OrderPayload): WebhookSnapshot => ({
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
  ...(payload.fulfillments && {
    fulfillments: sortedBy(payload.fulfillments.map(fulfillmentFromRest), (fulfillment) => fulfillment.id),
  }),
  ...(payload.refunds && {
    refunds: sortedBy(
      payload.refunds.map((refund) => refundFromRest(refund, payload.presentment_currency)),
      (refund) => refund.id,
    ),
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

/**
 * Shopify's orders/* bodies carry `fulfillments` and `refunds`; one that lacks them maps without
 * them, and the upsert (which writes only the fields a record has) keeps the stored lists.
 */
export const fromWebhook = (payload: OrderPayload, owner: RecordOwner): OrderRecord =>
  toRecord<OrderRecord>(gidType, fieldsFromWebhook(payload) as OrderSnapshot, owner);

/**
 * A fulfillments/create|update body merged into the stored order: the fulfillment replaces the
 * stored one of its id unless that one is as new or newer (its own `updatedAt`), so a late or
 * repeated body never takes a fulfillment back. Undefined: nothing to write.
 */
export const withFulfillment = (
  stored: OrderRecord,
  payload: FulfillmentPayload,
): OrderRecord | undefined => {
  const incoming = fulfillmentFromRest(payload);
  const current = stored.fulfillments ?? [];
  const existing = current.find((fulfillment) => fulfillment.id === incoming.id);
  if (existing && existing.updatedAt >= incoming.updatedAt) return undefined;
  const fulfillments = [...current.filter((fulfillment) => fulfillment.id !== incoming.id), incoming];
  return { ...stored, fulfillments: sortedBy(fulfillments, (fulfillment) => fulfillment.id) };
};

/**
 * A refunds/create body merged into the stored order. A refund is never edited once created, so
 * one already stored (from this topic, the order's own body or the sync) is final.
 */
export const withRefund = (stored: OrderRecord, payload: RefundPayload): OrderRecord | undefined => {
  const current = stored.refunds ?? [];
  if (current.some((refund) => refund.id === payload.id)) return undefined;
  const refunds = [...current, refundFromRest(payload, stored.presentmentCurrency)];
  return { ...stored, refunds: sortedBy(refunds, (refund) => refund.id) };
};
