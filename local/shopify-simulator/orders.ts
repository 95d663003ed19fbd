/**
 * Orders of a simulated shop: the data, its GraphQL views (with the nested line-items
 * connection that multiplies query cost) and its REST-shaped orders/* webhook bodies. Amounts are
 * kept in cents and rendered as Shopify does: GraphQL Decimal without trailing zeros ("12.5"),
 * REST with two digits ("12.50"), so the service's normalisation is exercised for real.
 */
import { z } from 'zod';
import { type Keyed, type PageArgs, paginate } from './connection.js';
import { JsonInteger, type JsonText, toJsonText } from './json-text.js';
import type { SeededRandom } from './random.js';
import { graphqlDateTime, restDateTime } from './time-format.js';
import {
  fulfillmentPayload,
  fulfillmentView,
  orderPartsInputSchema,
  refundPayload,
  refundView,
  type SimFulfillment,
  type SimRefund,
} from './resources/order-parts.js';

export interface SimOrderLine {
  readonly id: string;
  readonly title: string;
  readonly quantity: number;
  readonly sku: string | null;
  readonly variantId: string | null;
  readonly productId: string | null;
  readonly unitCents: number;
  readonly discountCents: number;
}

export interface SimOrderAddress {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly address1: string | null;
  readonly city: string | null;
  readonly provinceCode: string | null;
  readonly countryCode: string | null;
  readonly zip: string | null;
}

export interface SimOrder {
  readonly id: string;
  readonly number: number;
  readonly customerId: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly financialStatus: string;
  readonly fulfillmentStatus: 'UNFULFILLED' | 'PARTIALLY_FULFILLED' | 'FULFILLED';
  readonly lines: readonly SimOrderLine[];
  readonly taxCents: number;
  readonly shippingAddress: SimOrderAddress | null;
  readonly tags: readonly string[];
  readonly note: string | null;
  readonly cancelledAt: number | null;
  readonly cancelReason: string | null;
  readonly closedAt: number | null;
  readonly processedAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Oldest first; absent on an order nothing was shipped or refunded from. */
  readonly fulfillments?: readonly SimFulfillment[];
  readonly refunds?: readonly SimRefund[];
}

export const orderGid = (id: string) => `gid://shopify/Order/${id}`;

export const orderInputSchema = z.strictObject({
  customerId: z.string().regex(/^\d+$/).nullable().optional(),
  email: z.string().nullable().optional(),
  lineItems: z.number().int().min(1).max(2000).optional(),
  financialStatus: z.enum(['PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']).optional(),
  fulfillmentStatus: z.enum(['UNFULFILLED', 'PARTIALLY_FULFILLED', 'FULFILLED']).optional(),
  note: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  cancel: z.boolean().optional(),
  ...orderPartsInputSchema,
});
export type OrderInput = z.input<typeof orderInputSchema>;

const subtotalCents = (order: SimOrder) =>
  order.lines.reduce((sum, line) => sum + line.unitCents * line.quantity - line.discountCents, 0);
const totalCents = (order: SimOrder) => subtotalCents(order) + order.taxCents;

/** GraphQL's Decimal: no trailing zeros (`"12.5"`, `"12.0"`). */
const decimal = (cents: number) => {
  const text = (cents / 100).toFixed(2).replace(/0$/, '');
  return text.endsWith('.') ? `${text}0` : text;
};
/** REST: always two digits (`"12.50"`). */
export const restAmount = (cents: number) => (cents / 100).toFixed(2);

const moneyView = (cents: number, currency: string) => ({ amount: decimal(cents), currencyCode: currency });
/** GraphQL's MoneyV2 of an amount in cents. */
export const moneyOf = moneyView;
const bagView = (cents: number, currency: string) => ({
  shopMoney: moneyView(cents, currency),
  presentmentMoney: moneyView(cents, currency),
});

const addressView = (address: SimOrderAddress) => ({
  firstName: address.firstName,
  lastName: address.lastName,
  name: [address.firstName, address.lastName].filter(Boolean).join(' ') || null,
  company: null,
  address1: address.address1,
  address2: null,
  city: address.city,
  province: null,
  provinceCode: address.provinceCode,
  country: null,
  countryCodeV2: address.countryCode,
  zip: address.zip,
  phone: null,
});

const lineView = (line: SimOrderLine, currency: string) => ({
  __typename: 'LineItem',
  id: `gid://shopify/LineItem/${line.id}`,
  title: line.title,
  name: line.title,
  quantity: line.quantity,
  sku: line.sku,
  variant: line.variantId ? { id: `gid://shopify/ProductVariant/${line.variantId}` } : null,
  product: line.productId ? { id: `gid://shopify/Product/${line.productId}` } : null,
  originalUnitPriceSet: bagView(line.unitCents, currency),
  discountedTotalSet: bagView(line.unitCents * line.quantity - line.discountCents, currency),
});

/** `unbounded`: a bulk operation's run, where nested connections return every item. */
export const orderView = (order: SimOrder, currency: string, maxObjects: number, unbounded = false) => ({
  __typename: 'Order',
  id: orderGid(order.id),
  legacyResourceId: order.id,
  name: `#${order.number}`,
  customer: order.customerId ? { id: `gid://shopify/Customer/${order.customerId}` } : null,
  email: order.email,
  phone: order.phone,
  displayFinancialStatus: order.financialStatus,
  displayFulfillmentStatus: order.fulfillmentStatus,
  currencyCode: currency,
  presentmentCurrencyCode: currency,
  subtotalPriceSet: bagView(subtotalCents(order), currency),
  totalTaxSet: bagView(order.taxCents, currency),
  totalPriceSet: bagView(totalCents(order), currency),
  currentTotalPriceSet: bagView(order.cancelledAt ? 0 : totalCents(order), currency),
  shippingAddress: order.shippingAddress ? addressView(order.shippingAddress) : null,
  billingAddress: order.shippingAddress ? addressView(order.shippingAddress) : null,
  tags: [...order.tags].sort(),
  note: order.note,
  cancelledAt: order.cancelledAt ? graphqlDateTime(order.cancelledAt) : null,
  cancelReason: order.cancelReason,
  closedAt: order.closedAt ? graphqlDateTime(order.closedAt) : null,
  processedAt: graphqlDateTime(order.processedAt),
  createdAt: graphqlDateTime(order.createdAt),
  updatedAt: graphqlDateTime(order.updatedAt),
  fulfillments: (order.fulfillments ?? []).map((fulfillment) =>
    fulfillmentView(fulfillment, maxObjects, unbounded),
  ),
  refunds: (order.refunds ?? []).map((refund) =>
    refundView(refund, (cents) => moneyView(cents, currency), maxObjects, unbounded),
  ),
  lineItems: (args: PageArgs) => {
    const entries: Keyed<SimOrderLine>[] = order.lines.map((line) => ({
      item: line,
      key: { value: BigInt(line.id), id: BigInt(line.id) },
    }));
    const page = paginate(entries, args, { maxObjects, behaviour: 'error' }, { unbounded });
    const view = (line: SimOrderLine) => lineView(line, currency);
    return {
      nodes: page.nodes.map(view),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: view(edge.node) })),
      pageInfo: page.pageInfo,
    };
  },
});

const moneySet = (cents: number, currency: string): JsonText => {
  const money = { amount: restAmount(cents), currency_code: currency };
  return { shop_money: money, presentment_money: money };
};

const restAddress = (address: SimOrderAddress): JsonText => ({
  first_name: address.firstName,
  last_name: address.lastName,
  name: [address.firstName, address.lastName].filter(Boolean).join(' '),
  company: null,
  address1: address.address1,
  address2: null,
  city: address.city,
  province: null,
  province_code: address.provinceCode,
  country: null,
  country_code: address.countryCode,
  zip: address.zip,
  phone: null,
});

/** orders/create and orders/updated: REST-shaped, ids as raw 64-bit literals, local-offset times. */
export function orderPayload(order: SimOrder, shop: { ianaTimezone: string; currencyCode: string }): string {
  const currency = shop.currencyCode;
  const at = (ms: number | null) => (ms === null ? null : restDateTime(ms, shop.ianaTimezone));
  return toJsonText({
    id: new JsonInteger(order.id),
    admin_graphql_api_id: orderGid(order.id),
    name: `#${order.number}`,
    order_number: order.number,
    email: order.email,
    contact_email: order.email,
    phone: order.phone,
    customer: order.customerId
      ? {
          id: new JsonInteger(order.customerId),
          admin_graphql_api_id: `gid://shopify/Customer/${order.customerId}`,
        }
      : null,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status:
      order.fulfillmentStatus === 'UNFULFILLED'
        ? null
        : order.fulfillmentStatus === 'PARTIALLY_FULFILLED'
          ? 'partial'
          : 'fulfilled',
    currency,
    presentment_currency: currency,
    subtotal_price: restAmount(subtotalCents(order)),
    subtotal_price_set: moneySet(subtotalCents(order), currency),
    total_tax: restAmount(order.taxCents),
    total_tax_set: moneySet(order.taxCents, currency),
    total_price: restAmount(totalCents(order)),
    total_price_set: moneySet(totalCents(order), currency),
    current_total_price_set: moneySet(order.cancelledAt ? 0 : totalCents(order), currency),
    line_items: order.lines.map((line) => ({
      id: new JsonInteger(line.id),
      admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
      title: line.title,
      name: line.title,
      quantity: line.quantity,
      sku: line.sku ?? '',
      variant_id: line.variantId ? new JsonInteger(line.variantId) : null,
      product_id: line.productId ? new JsonInteger(line.productId) : null,
      price: restAmount(line.unitCents),
      price_set: moneySet(line.unitCents, currency),
      total_discount: restAmount(line.discountCents),
      discount_allocations:
        line.discountCents > 0
          ? [{ amount: restAmount(line.discountCents), discount_application_index: 0 }]
          : [],
    })),
    fulfillments: (order.fulfillments ?? []).map((fulfillment) =>
      fulfillmentPayload(fulfillment, order.id, shop),
    ),
    refunds: (order.refunds ?? []).map((refund) => refundPayload(refund, order.id, shop, restAmount)),
    shipping_address: order.shippingAddress ? restAddress(order.shippingAddress) : null,
    billing_address: order.shippingAddress ? restAddress(order.shippingAddress) : null,
    tags: [...order.tags].sort().join(', '),
    note: order.note,
    cancelled_at: at(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: at(order.closedAt),
    processed_at: at(order.processedAt),
    created_at: at(order.createdAt),
    updated_at: at(order.updatedAt),
  });
}

export const orderDeletePayload = (order: SimOrder): string => toJsonText({ id: new JsonInteger(order.id) });

/** Builds order data: line items, prices, a shipping address. Ids come from the shop's counters. */
export const makeOrderLines = (count: number, random: SeededRandom, nextId: () => string): SimOrderLine[] =>
  Array.from({ length: count }, (_, i) => {
    const quantity = random.int(1, 4);
    const unitCents = random.int(100, 20_000);
    return {
      id: nextId(),
      title: `Item ${i + 1}`,
      quantity,
      sku: random.chance(0.8) ? `SKU-${random.int(1000, 9999)}` : null,
      variantId: String(44_000_000_000_000n + BigInt(random.int(1, 999_999))),
      productId: String(8_000_000_000_000n + BigInt(random.int(1, 999_999))),
      unitCents,
      discountCents: random.chance(0.3) ? random.int(1, Math.floor((unitCents * quantity) / 4)) : 0,
    };
  });
