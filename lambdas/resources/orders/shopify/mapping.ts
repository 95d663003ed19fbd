/** One node of `ordersPageQuery` (with all its line items), mapped to the canonical order snapshot. */
import * as z from 'zod';
import {
  addressFromGraphql,
  gidSchema,
  graphqlAddressShape,
  numericIdOfGid,
  optionalText,
  timestampSchema,
} from '../../kit/shopify-fields.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { money } from '../../kit/money.js';
import type { MoneyPair, OrderLineItem, OrderSnapshot } from '../record.js';

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

/** `node.lineItems` must hold every line item by now (the definition pages the rest in first). */
export const orderSnapshotFromGraphql = (node: GraphqlOrder): OrderSnapshot => ({
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
  tags: [...node.tags].sort(),
  note: blankToNull(node.note),
  cancelledAt: isoOrNull(node.cancelledAt),
  cancelReason: node.cancelReason ?? null,
  closedAt: isoOrNull(node.closedAt),
  processedAt: toUtcIso(node.processedAt),
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});
