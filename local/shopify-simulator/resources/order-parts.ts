/**
 * The fulfillments and refunds of a simulated order: their data, their GraphQL views (lists on
 * Order whose lines are connections, paged like Shopify's), their REST shapes (inside the
 * orders/* bodies and as the fulfillments/* and refunds/create bodies) and how one is made.
 * Amounts are cents, rendered as orders.ts renders them.
 */
import { z } from 'zod';
import { connectionOf, decimal, restAmount } from './kit.js';
import type { Args } from './resource.js';
import { JsonInteger, type JsonText } from '../json-text.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';

export interface SimFulfillmentLine {
  readonly id: string;
  readonly lineItemId: string;
  readonly quantity: number;
}

export interface SimFulfillment {
  readonly id: string;
  readonly status: 'SUCCESS' | 'CANCELLED';
  readonly locationId: string | null;
  readonly trackingCompany: string | null;
  readonly trackingNumbers: readonly string[];
  readonly lines: readonly SimFulfillmentLine[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SimRefundLine {
  readonly id: string;
  readonly lineItemId: string;
  readonly quantity: number;
  readonly subtotalCents: number;
}

export interface SimRefundTransaction {
  readonly id: string;
  readonly kind: 'REFUND';
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly amountCents: number;
}

export interface SimRefund {
  readonly id: string;
  readonly note: string | null;
  readonly lines: readonly SimRefundLine[];
  readonly transactions: readonly SimRefundTransaction[];
  readonly createdAt: number;
}

/** What the control API's order PATCH takes to ship or refund some of an order. */
export const orderPartsInputSchema = {
  /** Ships this many of the order's lines (all when more than it has), in one fulfillment. */
  fulfill: z
    .strictObject({
      lines: z.number().int().min(1).max(2000).optional(),
      trackingNumber: z.string().min(1).optional(),
    })
    .optional(),
  /** Updates a fulfillment's tracking (fulfillments/update) or cancels it. */
  updateFulfillment: z
    .strictObject({
      id: z.string().regex(/^\d+$/),
      trackingNumber: z.string().min(1).optional(),
      cancel: z.boolean().optional(),
    })
    .optional(),
  /** Refunds one of each of this many lines (refunds/create), with one refund transaction. */
  refund: z
    .strictObject({ lines: z.number().int().min(1).max(2000).optional(), note: z.string().optional() })
    .optional(),
};

interface OrderLineLike {
  readonly id: string;
  readonly quantity: number;
  readonly unitCents: number;
  readonly discountCents: number;
}

export const makeFulfillment = (
  lines: readonly OrderLineLike[],
  count: number,
  at: number,
  nextId: () => string,
  trackingNumber?: string,
): SimFulfillment => {
  const id = nextId();
  return {
    id,
    status: 'SUCCESS',
    locationId: null,
    trackingCompany: 'UPS',
    trackingNumbers: [trackingNumber ?? `1Z${id}`],
    lines: lines
      .slice(0, count)
      .map((line) => ({ id: nextId(), lineItemId: line.id, quantity: line.quantity })),
    createdAt: at,
    updatedAt: at,
  };
};

/** One unit of each of the first `count` lines, at what the buyer paid for it. */
export const makeRefund = (
  lines: readonly OrderLineLike[],
  count: number,
  at: number,
  nextId: () => string,
  note: string | null,
): SimRefund => {
  const refunded = lines.slice(0, count).map((line) => ({
    id: nextId(),
    lineItemId: line.id,
    quantity: 1,
    subtotalCents: Math.floor((line.unitCents * line.quantity - line.discountCents) / line.quantity),
  }));
  const amountCents = refunded.reduce((sum, line) => sum + line.subtotalCents, 0);
  return {
    id: nextId(),
    note,
    lines: refunded,
    transactions: [{ id: nextId(), kind: 'REFUND', status: 'SUCCESS', amountCents }],
    createdAt: at,
  };
};

// ---- GraphQL ----------------------------------------------------------------------------------

/** A part's nested connection, keyed by id (Shopify's order for them), every item when `unbounded`. */
const listOf =
  <T extends { readonly id: string }>(
    items: readonly T[],
    view: (item: T) => unknown,
    maxObjects: number,
    unbounded: boolean,
  ) =>
  (args: Args) =>
    connectionOf(
      items.map((item) => ({ item, key: { value: BigInt(item.id), id: BigInt(item.id) } })),
      args,
      view,
      { maxObjects, behaviour: 'error' },
      unbounded,
    );

export const fulfillmentView = (fulfillment: SimFulfillment, maxObjects: number, unbounded = false) => ({
  __typename: 'Fulfillment',
  id: `gid://shopify/Fulfillment/${fulfillment.id}`,
  status: fulfillment.status,
  createdAt: graphqlDateTime(fulfillment.createdAt),
  updatedAt: graphqlDateTime(fulfillment.updatedAt),
  location: fulfillment.locationId ? { id: `gid://shopify/Location/${fulfillment.locationId}` } : null,
  trackingInfo: fulfillment.trackingNumbers.map((number) => ({
    company: fulfillment.trackingCompany,
    number,
    url: `https://track.example/${number}`,
  })),
  fulfillmentLineItems: listOf(
    fulfillment.lines,
    (line) => ({
      __typename: 'FulfillmentLineItem',
      id: `gid://shopify/FulfillmentLineItem/${line.id}`,
      quantity: line.quantity,
      lineItem: { id: `gid://shopify/LineItem/${line.lineItemId}` },
    }),
    maxObjects,
    unbounded,
  ),
});

const refunded = (refund: SimRefund) =>
  refund.transactions
    .filter((transaction) => transaction.status === 'SUCCESS')
    .reduce((sum, transaction) => sum + transaction.amountCents, 0);

export const refundView = (refund: SimRefund, currency: string, maxObjects: number, unbounded = false) => {
  const money = (cents: number) => ({ amount: decimal(cents), currencyCode: currency });
  const bag = (cents: number) => ({ shopMoney: money(cents), presentmentMoney: money(cents) });
  return {
    __typename: 'Refund',
    id: `gid://shopify/Refund/${refund.id}`,
    createdAt: graphqlDateTime(refund.createdAt),
    note: refund.note,
    totalRefundedSet: bag(refunded(refund)),
    refundLineItems: listOf(
      refund.lines,
      (line) => ({
        __typename: 'RefundLineItem',
        id: `gid://shopify/RefundLineItem/${line.id}`,
        quantity: line.quantity,
        lineItem: { id: `gid://shopify/LineItem/${line.lineItemId}` },
        subtotalSet: bag(line.subtotalCents),
      }),
      maxObjects,
      unbounded,
    ),
    transactions: listOf(
      refund.transactions,
      (transaction) => ({
        __typename: 'OrderTransaction',
        id: `gid://shopify/OrderTransaction/${transaction.id}`,
        kind: transaction.kind,
        status: transaction.status,
        amountSet: bag(transaction.amountCents),
      }),
      maxObjects,
      unbounded,
    ),
  };
};

// ---- REST -------------------------------------------------------------------------------------

interface RestShop {
  readonly ianaTimezone: string;
  readonly currencyCode: string;
}

/** A fulfillment as orders/* bodies and the fulfillments/* bodies carry it. */
export const fulfillmentPayload = (
  fulfillment: SimFulfillment,
  orderId: string,
  shop: RestShop,
): JsonText => ({
  id: new JsonInteger(fulfillment.id),
  admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillment.id}`,
  order_id: new JsonInteger(orderId),
  status: fulfillment.status.toLowerCase(),
  shipment_status: null,
  location_id: fulfillment.locationId ? new JsonInteger(fulfillment.locationId) : null,
  tracking_company: fulfillment.trackingCompany,
  tracking_number: fulfillment.trackingNumbers[0] ?? null,
  tracking_numbers: [...fulfillment.trackingNumbers],
  tracking_url: fulfillment.trackingNumbers[0]
    ? `https://track.example/${fulfillment.trackingNumbers[0]}`
    : null,
  tracking_urls: fulfillment.trackingNumbers.map((number) => `https://track.example/${number}`),
  line_items: fulfillment.lines.map((line) => ({
    id: new JsonInteger(line.lineItemId),
    admin_graphql_api_id: `gid://shopify/LineItem/${line.lineItemId}`,
    quantity: line.quantity,
  })),
  created_at: restDateTime(fulfillment.createdAt, shop.ianaTimezone),
  updated_at: restDateTime(fulfillment.updatedAt, shop.ianaTimezone),
});

/** A refund as orders/* bodies and the refunds/create body carry it (REST states no total). */
export const refundPayload = (refund: SimRefund, orderId: string, shop: RestShop): JsonText => {
  const set = (cents: number) => {
    const money = { amount: restAmount(cents), currency_code: shop.currencyCode };
    return { shop_money: money, presentment_money: money };
  };
  return {
    id: new JsonInteger(refund.id),
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: new JsonInteger(orderId),
    created_at: restDateTime(refund.createdAt, shop.ianaTimezone),
    processed_at: restDateTime(refund.createdAt, shop.ianaTimezone),
    note: refund.note,
    restock: false,
    refund_line_items: refund.lines.map((line) => ({
      id: new JsonInteger(line.id),
      line_item_id: new JsonInteger(line.lineItemId),
      quantity: line.quantity,
      restock_type: 'no_restock',
      subtotal: Number(restAmount(line.subtotalCents)),
      subtotal_set: set(line.subtotalCents),
    })),
    transactions: refund.transactions.map((transaction) => ({
      id: new JsonInteger(transaction.id),
      order_id: new JsonInteger(orderId),
      kind: transaction.kind.toLowerCase(),
      status: transaction.status.toLowerCase(),
      amount: restAmount(transaction.amountCents),
      currency: shop.currencyCode,
      gateway: 'bogus',
    })),
  };
};
