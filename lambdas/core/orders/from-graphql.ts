/** One node of `ordersPageQuery` (with all its line items), mapped to the canonical order snapshot. */
import { z } from 'zod';
import { numericIdOfGid } from '../customers/from-graphql.js';
import { blankToNull, toUtcIso } from '../resources/normalize.js';
import { money } from './money.js';
import type { MoneyPair, OrderAddress, OrderLineItem, OrderSnapshot } from './order-record.js';

const gid = z.string().regex(/^gid:\/\/shopify\/[A-Za-z]+\/\d+(?:\?.*)?$/, 'Shopify global id');
const text = z.string().nullish();
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'ISO-8601 timestamp');
const moneySchema = z.object({ amount: z.string(), currencyCode: z.string() });
const moneyBag = z.object({ shopMoney: moneySchema, presentmentMoney: moneySchema });
const shopMoneyBag = z.object({ shopMoney: moneySchema });

const addressSchema = z.object({
  firstName: text,
  lastName: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  provinceCode: text,
  country: text,
  countryCodeV2: text,
  zip: text,
  phone: text,
});

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

const toAddress = (address: z.infer<typeof addressSchema>): OrderAddress => ({
  firstName: blankToNull(address.firstName),
  lastName: blankToNull(address.lastName),
  name: blankToNull(address.name),
  company: blankToNull(address.company),
  address1: blankToNull(address.address1),
  address2: blankToNull(address.address2),
  city: blankToNull(address.city),
  province: blankToNull(address.province),
  provinceCode: blankToNull(address.provinceCode),
  country: blankToNull(address.country),
  countryCode: blankToNull(address.countryCodeV2),
  zip: blankToNull(address.zip),
  phone: blankToNull(address.phone),
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
  shippingAddress: node.shippingAddress ? toAddress(node.shippingAddress) : null,
  billingAddress: node.billingAddress ? toAddress(node.billingAddress) : null,
  tags: [...node.tags].sort(),
  note: blankToNull(node.note),
  cancelledAt: isoOrNull(node.cancelledAt),
  cancelReason: node.cancelReason ?? null,
  closedAt: isoOrNull(node.closedAt),
  processedAt: toUtcIso(node.processedAt),
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});
