/**
 * Orders of a simulated shop: the data, its GraphQL views (with the nested line-items
 * connection that multiplies query cost) and its REST-shaped orders/* webhook bodies. Amounts are
 * kept in cents and rendered as Shopify does: GraphQL Decimal without trailing zeros ("12.5"),
 * REST with two digits ("12.50"), so the service's normalisation is exercised for real.
 */
import { z } from 'zod';
import type { Keyed } from '../connection.js';
import { JsonInteger, type JsonText, toJsonText } from '../json-text.js';
import type { SeededRandom } from '../random.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';
import * as kit from './kit.js';
import type { Args, ResourceSetup, ShopContext, SimulatedResource, View } from './resource.js';
import { controlRecords, SimRecordNotFoundError } from './resource.js';
import type { SimCustomers } from './customers.js';
import {
  fulfillmentPayload,
  fulfillmentView,
  makeFulfillment,
  makeRefund,
  orderPartsInputSchema,
  refundPayload,
  refundView,
  type SimFulfillment,
  type SimRefund,
} from './order-parts.js';

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

const moneyView = (cents: number, currency: string) => ({
  amount: kit.decimal(cents),
  currencyCode: currency,
});
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
  refunds: (order.refunds ?? []).map((refund) => refundView(refund, currency, maxObjects, unbounded)),
  lineItems: (args: Args) => {
    const entries: Keyed<SimOrderLine>[] = order.lines.map((line) => ({
      item: line,
      key: { value: BigInt(line.id), id: BigInt(line.id) },
    }));
    const view = (line: SimOrderLine) => lineView(line, currency);
    return kit.connectionOf(entries, args, view, { maxObjects, behaviour: 'error' }, unbounded);
  },
});

const moneySet = (cents: number, currency: string): JsonText => {
  const money = { amount: kit.restAmount(cents), currency_code: currency };
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
    subtotal_price: kit.restAmount(subtotalCents(order)),
    subtotal_price_set: moneySet(subtotalCents(order), currency),
    total_tax: kit.restAmount(order.taxCents),
    total_tax_set: moneySet(order.taxCents, currency),
    total_price: kit.restAmount(totalCents(order)),
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
      price: kit.restAmount(line.unitCents),
      price_set: moneySet(line.unitCents, currency),
      total_discount: kit.restAmount(line.discountCents),
      discount_allocations:
        line.discountCents > 0
          ? [{ amount: kit.restAmount(line.discountCents), discount_application_index: 0 }]
          : [],
    })),
    fulfillments: (order.fulfillments ?? []).map((fulfillment) =>
      fulfillmentPayload(fulfillment, order.id, shop),
    ),
    refunds: (order.refunds ?? []).map((refund) => refundPayload(refund, order.id, shop)),
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

export class OrderNotFoundError extends SimRecordNotFoundError {
  override readonly name = 'OrderNotFoundError';
  constructor(id: string) {
    super(`No order ${id} in this shop`);
  }
}

const orderJson = (order: SimOrder) => {
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    ...order,
    cancelledAt: iso(order.cancelledAt),
    closedAt: iso(order.closedAt),
    processedAt: iso(order.processedAt),
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
  };
};

/** Orders of one shop: seeded over its customers, CRUD with `orders/*` webhooks, GraphQL fields. */
export class SimOrders implements SimulatedResource {
  private readonly orderMap = new Map<string, SimOrder>();
  private readonly shop: ShopContext;
  private readonly random: SeededRandom;
  private nextOrderId: bigint;
  private nextLineItemId: bigint;
  /** Fulfillments, refunds and their lines and transactions. */
  private nextOrderPartId: bigint;
  private nextOrderNumber = 1001;
  // An order's fulfillments and refunds come with the orders' scope.
  readonly topicScopes = { ORDERS_: 'read_orders', FULFILLMENTS_: 'read_orders', REFUNDS_: 'read_orders' };
  readonly controlRecords = [
    controlRecords({
      path: 'orders',
      input: orderInputSchema,
      json: orderJson,
      records: this,
    }),
  ];

  /** `seedOrders` spread over the seeded customers; the first has hundreds of lines. */
  constructor(
    { shop, random, idBlock }: ResourceSetup,
    private readonly customers: SimCustomers,
    seedOrders = 0,
  ) {
    this.shop = shop;
    this.random = random;
    this.nextOrderId = kit.idBlockStart(5_000_000_000_000n, idBlock);
    this.nextLineItemId = kit.idBlockStart(13_000_000_000_000n, idBlock);
    this.nextOrderPartId = kit.idBlockStart(16_000_000_000_000n, idBlock);
    const customerIds = customers.list().map((customer) => customer.id);
    for (let n = 0; n < seedOrders; n += 1) {
      const at = Math.floor(shop.now() / 1000) * 1000 - (seedOrders - n) * 60_000;
      const order = this.build(
        {
          customerId: customerIds.length > 0 && random.chance(0.8) ? random.pick(customerIds) : null,
          // A big B2B order with hundreds of lines, then ordinary ones.
          lineItems: n === 0 ? 320 : random.int(1, 6),
          // Every third order shipped, every fifth partly refunded (the big one both: long lists).
          ...(n % 3 === 0 && { fulfill: {} }),
          ...(n % 5 === 0 && { refund: {} }),
        },
        at,
      );
      this.orderMap.set(order.id, order);
      shop.noteUpdate(order.updatedAt);
    }
  }

  list(): SimOrder[] {
    return [...this.orderMap.values()].sort(kit.byId);
  }

  get(id: string): SimOrder | undefined {
    return this.orderMap.get(kit.numericIdOf('Order', id));
  }

  /** The customer's orders, as a privacy request lists them. */
  ofCustomer(customerId: string): SimOrder[] {
    return this.list().filter((order) => order.customerId === customerId);
  }

  create(input: OrderInput = {}): SimOrder {
    const order = this.build(orderInputSchema.parse(input), this.shop.stamp());
    this.orderMap.set(order.id, order);
    this.shop.emit('ORDERS_CREATE', orderPayload(order, this.shop));
    return order;
  }

  update(id: string, patch: OrderInput): SimOrder {
    const existing = this.require(id);
    const parsed = orderInputSchema.parse(patch);
    const at = this.shop.stamp();
    const edited: SimOrder = {
      ...existing,
      ...(parsed.email !== undefined && { email: parsed.email }),
      ...(parsed.note !== undefined && { note: parsed.note }),
      ...(parsed.tags !== undefined && { tags: parsed.tags }),
      ...(parsed.financialStatus !== undefined && { financialStatus: parsed.financialStatus }),
      ...(parsed.fulfillmentStatus !== undefined && { fulfillmentStatus: parsed.fulfillmentStatus }),
      ...(parsed.cancel && { cancelledAt: at, cancelReason: 'CUSTOMER', closedAt: at }),
      updatedAt: at,
    };
    const { order: updated, parts } = this.withParts(edited, parsed, at);
    this.orderMap.set(updated.id, updated);
    // Shopify sends the part's own topic and orders/updated (the part bumps the order), unordered.
    for (const [topic, body] of parts) this.shop.emit(topic, body);
    this.shop.emit('ORDERS_UPDATED', orderPayload(updated, this.shop));
    return updated;
  }

  /** A fulfillment or refund of any order, by id or gid. */
  part(kind: 'Fulfillment', id: string): SimFulfillment | undefined;
  part(kind: 'Refund', id: string): SimRefund | undefined;
  part(kind: 'Fulfillment' | 'Refund', id: string): SimFulfillment | SimRefund | undefined {
    const numeric = kit.numericIdOf(kind, id);
    for (const order of this.orderMap.values()) {
      const parts = kind === 'Fulfillment' ? order.fulfillments : order.refunds;
      const found = parts?.find((part) => part.id === numeric);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Ships, re-tracks or refunds what the input asks for (`fulfill`, `updateFulfillment`,
   * `refund`), with the status changes Shopify makes, and the part topics' bodies to send.
   */
  private withParts(
    order: SimOrder,
    input: z.output<typeof orderInputSchema>,
    at: number,
  ): { order: SimOrder; parts: [string, string][] } {
    const nextId = () => (this.nextOrderPartId += 1n).toString();
    const parts: [string, string][] = [];
    let fulfillments = [...(order.fulfillments ?? [])];
    const refunds = [...(order.refunds ?? [])];
    let { fulfillmentStatus, financialStatus } = order;
    if (input.fulfill) {
      const count = input.fulfill.lines ?? order.lines.length;
      const fulfillment = makeFulfillment(order.lines, count, at, nextId, input.fulfill.trackingNumber);
      fulfillments.push(fulfillment);
      fulfillmentStatus = count >= order.lines.length ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
      parts.push(['FULFILLMENTS_CREATE', toJsonText(fulfillmentPayload(fulfillment, order.id, this.shop))]);
    }
    if (input.updateFulfillment) {
      const { id, trackingNumber, cancel } = input.updateFulfillment;
      const current = fulfillments.find((fulfillment) => fulfillment.id === id);
      if (!current) throw new OrderNotFoundError(`${order.id} (no fulfillment ${id})`);
      const updated: SimFulfillment = {
        ...current,
        ...(trackingNumber !== undefined && { trackingNumbers: [trackingNumber] }),
        ...(cancel && { status: 'CANCELLED' as const }),
        updatedAt: at,
      };
      fulfillments = fulfillments.map((fulfillment) => (fulfillment.id === id ? updated : fulfillment));
      parts.push(['FULFILLMENTS_UPDATE', toJsonText(fulfillmentPayload(updated, order.id, this.shop))]);
    }
    if (input.refund) {
      const refund = makeRefund(order.lines, input.refund.lines ?? 1, at, nextId, input.refund.note ?? null);
      refunds.push(refund);
      financialStatus = 'PARTIALLY_REFUNDED';
      parts.push(['REFUNDS_CREATE', toJsonText(refundPayload(refund, order.id, this.shop))]);
    }
    return { order: { ...order, fulfillments, refunds, fulfillmentStatus, financialStatus }, parts };
  }

  delete(id: string): SimOrder {
    const existing = this.require(id);
    this.orderMap.delete(existing.id);
    this.shop.emit('ORDERS_DELETE', orderDeletePayload(existing));
    return existing;
  }

  rootFields(unbounded: boolean) {
    // Read at each call: a test may change the shop's currency or pagination limit.
    const shop = this.shop;
    return {
      ...kit.listedRootFields({
        shop: this.shop,
        unbounded,
        field: 'orders',
        oneField: 'order',
        records: () => this.list(),
        get: (id) => this.get(id),
        view: (order) => orderView(order, shop.currencyCode, shop.maxPaginatedObjects),
        listView: (order) => orderView(order, shop.currencyCode, shop.maxPaginatedObjects, unbounded),
      }),
      // The by-id roots of an order's fulfillments and refunds, for the rest of their lines.
      fulfillment: (args: Args) => {
        kit.requireAccess(this.shop, 'orders');
        const found = typeof args['id'] === 'string' ? this.part('Fulfillment', args['id']) : undefined;
        return found ? fulfillmentView(found, shop.maxPaginatedObjects) : null;
      },
      refund: (args: Args) => {
        kit.requireAccess(this.shop, 'orders');
        const found = typeof args['id'] === 'string' ? this.part('Refund', args['id']) : undefined;
        return found ? refundView(found, shop.currencyCode, shop.maxPaginatedObjects) : null;
      },
    };
  }

  nodeById(id: string): View | null | undefined {
    if (!id.startsWith('gid://shopify/Order/')) return undefined;
    kit.requireAccess(this.shop, 'orders');
    const order = this.get(id);
    return order ? orderView(order, this.shop.currencyCode, this.shop.maxPaginatedObjects) : null;
  }

  private require(id: string): SimOrder {
    const order = this.get(id);
    if (!order) throw new OrderNotFoundError(id);
    return order;
  }

  /** A new order; one created shipped or refunded carries its parts in orders/create, no part topic. */
  private build(input: z.output<typeof orderInputSchema>, at: number): SimOrder {
    return this.withParts(this.buildOrder(input, at), input, at).order;
  }

  private buildOrder(input: z.output<typeof orderInputSchema>, at: number): SimOrder {
    const random = this.random;
    const customer = input.customerId ? this.customers.get(input.customerId) : undefined;
    this.nextOrderId += BigInt(random.int(1, 5000));
    return {
      id: this.nextOrderId.toString(),
      number: this.nextOrderNumber++,
      customerId: input.customerId ?? null,
      email: input.email ?? customer?.email ?? null,
      phone: customer?.phone ?? null,
      financialStatus: input.financialStatus ?? 'PAID',
      fulfillmentStatus: input.fulfillmentStatus ?? 'UNFULFILLED',
      lines: makeOrderLines(input.lineItems ?? random.int(1, 6), random, () => {
        this.nextLineItemId += 1n;
        return this.nextLineItemId.toString();
      }),
      taxCents: random.int(0, 2000),
      shippingAddress: {
        firstName: customer?.firstName ?? 'Guest',
        lastName: customer?.lastName ?? null,
        address1: `${random.int(1, 999)} Main St`,
        city: 'Springfield',
        provinceCode: 'IL',
        countryCode: 'US',
        zip: String(random.int(10000, 99999)),
      },
      tags: input.tags ?? (random.chance(0.3) ? ['wholesale'] : []),
      note: input.note ?? null,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      processedAt: at,
      createdAt: at,
      updatedAt: at,
    };
  }
}
