/** How orders are read from Shopify: documents, cost, bulk, webhook topics and scopes. */
import { completeNested, type NestedPages } from '../../kit/nested-pages.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { partWebhooks, resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import type { ShopifyGraphql } from '../../../shopify/graphql.js';
import type { OrderRecord } from '../record.js';
import {
  FULFILLMENT_LINES_PAGE,
  fulfillmentLineItemsQuery,
  ORDER_LINE_ITEMS_PAGE,
  REFUND_LINES_PAGE,
  REFUND_TRANSACTIONS_PAGE,
  refundLineItemsQuery,
  refundTransactionsQuery,
  orderIdsBulkQuery,
  orderIdsPageQuery,
  ordersByIds,
  ordersByIdsQuery,
  orderLineItemsQuery,
  ordersBulkQuery,
  ordersCountQuery,
  ordersPage,
  ordersPageQuery,
} from './documents.js';
import { withMetafields } from '../../kit/metafield-source.js';
import {
  fromGraphql,
  fromWebhook,
  gidType,
  type GraphqlFulfillmentLineItem,
  graphqlFulfillmentLineItemSchema,
  type GraphqlLineItem,
  graphqlLineItemSchema,
  type GraphqlOrder,
  graphqlOrderSchema,
  type GraphqlRefundLineItem,
  graphqlRefundLineItemSchema,
  type GraphqlRefundTransaction,
  graphqlRefundTransactionSchema,
  withFulfillment,
  withRefund,
} from './mapping.js';
import {
  fulfillmentPayloadSchema,
  orderDeletePayloadSchema,
  orderPayloadSchema,
  refundPayloadSchema,
} from './payloads.js';

/**
 * A fulfillment (an object in a list: 1), its location (1), its tracking list (1) and the first
 * page of its lines (2 + 2 each: the line and its LineItem).
 */
const fulfillmentCost = 1 + 1 + 1 + (2 + FULFILLMENT_LINES_PAGE * 2);
/**
 * A refund (1), its total (a bag of presentment money: 2), the first page of its lines (2 + 5
 * each: the line, its LineItem, a bag of two moneys) and of its transactions (2 + 3 each: the
 * transaction and a bag of presentment money).
 */
const refundCost = 1 + 2 + (2 + REFUND_LINES_PAGE * 5) + (2 + REFUND_TRANSACTIONS_PAGE * 3);

/**
 * orders(first:) is a connection (2). Each order: the Order (1), customer (1), four money bags of
 * shop + presentment money (3 each), two addresses (1 each), its line items, a nested
 * connection priced 2 + ORDER_LINE_ITEMS_PAGE × 7 (LineItem, variant, product, two shop-money
 * bags of 2): nested connections multiply, which is why that page stays small. Fulfillments and
 * refunds are lists, priced (as Shopify prices a list of objects) as one of each.
 */
const ordersPageCost: PageCost = {
  perQuery: 2,
  perNode: 1 + 1 + 4 * 3 + 2 + (2 + ORDER_LINE_ITEMS_PAGE * 7) + fulfillmentCost + refundCost,
};

/** The rest of an order's line items: the order (1), the connection (2), 7 per line item. */
const lineItemPages: NestedPages<GraphqlLineItem> = {
  document: orderLineItemsQuery,
  parentField: 'order',
  connectionField: 'lineItems',
  nodeSchema: graphqlLineItemSchema,
  pageSize: 100,
  cost: { perQuery: 1 + 2, perNode: 7 },
};

/** The rest of a fulfillment's lines: the fulfillment (1), the connection (2), 2 per line. */
const fulfillmentLinePages: NestedPages<GraphqlFulfillmentLineItem> = {
  document: fulfillmentLineItemsQuery,
  parentField: 'fulfillment',
  connectionField: 'fulfillmentLineItems',
  nodeSchema: graphqlFulfillmentLineItemSchema,
  pageSize: 250,
  cost: { perQuery: 1 + 2, perNode: 2 },
};

/** The rest of a refund's lines: the refund (1), the connection (2), 5 per line. */
const refundLinePages: NestedPages<GraphqlRefundLineItem> = {
  document: refundLineItemsQuery,
  parentField: 'refund',
  connectionField: 'refundLineItems',
  nodeSchema: graphqlRefundLineItemSchema,
  pageSize: 100,
  cost: { perQuery: 1 + 2, perNode: 5 },
};

/** The rest of a refund's transactions: the refund (1), the connection (2), 3 per transaction. */
const refundTransactionPages: NestedPages<GraphqlRefundTransaction> = {
  document: refundTransactionsQuery,
  parentField: 'refund',
  connectionField: 'transactions',
  nodeSchema: graphqlRefundTransactionSchema,
  pageSize: 100,
  cost: { perQuery: 1 + 2, perNode: 3 },
};

/**
 * Every list of an order past its first page, a page at a time: its line items, each
 * fulfillment's lines, each refund's lines and transactions. An order with short lists (nearly
 * all) costs no query here.
 */
const completeOrder = async (node: GraphqlOrder, graphql: ShopifyGraphql): Promise<GraphqlOrder> => {
  const fulfillments = [];
  for (const fulfillment of node.fulfillments) {
    fulfillments.push({
      ...fulfillment,
      fulfillmentLineItems: await completeNested(
        fulfillment.id,
        fulfillment.fulfillmentLineItems,
        fulfillmentLinePages,
        graphql,
      ),
    });
  }
  const refunds = [];
  for (const refund of node.refunds) {
    refunds.push({
      ...refund,
      refundLineItems: await completeNested(refund.id, refund.refundLineItems, refundLinePages, graphql),
      transactions: await completeNested(refund.id, refund.transactions, refundTransactionPages, graphql),
    });
  }
  return {
    ...node,
    lineItems: await completeNested(node.id, node.lineItems, lineItemPages, graphql),
    fulfillments,
    refunds,
  };
};

export const ordersShopify: ShopifySource<GraphqlOrder, OrderRecord> = {
  gidType,
  scopes: ['read_orders'],
  fullHistoryScope: 'read_all_orders',
  webhooks: resourceWebhooks({
    // orders/create and orders/updated carry the whole order; cancellations, fulfillments,
    // payments and edits all bump updated_at and arrive as orders/updated.
    upsertTopics: ['orders/create', 'orders/updated'],
    payloadSchema: orderPayloadSchema,
    toRecord: fromWebhook,
    deleteTopic: 'orders/delete',
    deletePayloadSchema: orderDeletePayloadSchema,
    // The order's bodies carry its fulfillments and refunds too; these topics bring a part
    // before (or without) the orders/updated that follows it, e.g. a carrier's tracking update.
    parts: [
      partWebhooks({
        topics: ['fulfillments/create', 'fulfillments/update'],
        payloadSchema: fulfillmentPayloadSchema,
        recordIdOf: (payload) => payload.order_id,
        merge: withFulfillment,
      }),
      partWebhooks({
        topics: ['refunds/create'],
        payloadSchema: refundPayloadSchema,
        recordIdOf: (payload) => payload.order_id,
        merge: withRefund,
      }),
    ],
  }),
  reconcile: {
    countQuery: ordersCountQuery,
    countField: 'ordersCount',
    idsQuery: orderIdsPageQuery,
    byIdsQuery: ordersByIdsQuery,
    idsConnectionField: 'orders',
  },
  document: ordersPageQuery,
  connectionField: 'orders',
  nodeSchema: graphqlOrderSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: fromGraphql,
  // A 500-line order mirrors completely: the rest of each of its lists, a page at a time.
  completeNode: completeOrder,
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: ordersPageCost,
  initialPageSize: largestPageWithin(ordersPageCost, MAX_QUERY_COST),
  bulk: {
    query: ordersBulkQuery,
    idsQuery: orderIdsBulkQuery,
    children: {
      connection: 'lineItems',
      nested: [
        { list: 'fulfillments', connection: 'fulfillmentLineItems', typename: 'FulfillmentLineItem' },
        { list: 'refunds', connection: 'refundLineItems', typename: 'RefundLineItem' },
        { list: 'refunds', connection: 'transactions', typename: 'OrderTransaction' },
      ],
    },
  }, // No bulk with metafields: the bulk document uses all five connections bulk allows, so full
  // syncs of large stores list their orders in pages (docs/resources.md#metafields).
  withMetafieldNamespaces: (namespaces) =>
    withMetafields(ordersShopify, namespaces, {
      page: ordersPage(namespaces),
      byIds: ordersByIds(namespaces),
    }),
};
