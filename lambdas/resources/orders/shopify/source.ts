/** How orders are read from Shopify: documents, cost, bulk, webhook topics and scopes. */
import { completeNested, type NestedPages } from '../../kit/nested-pages.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import type { OrderRecord } from '../record.js';
import {
  ORDER_LINE_ITEMS_PAGE,
  orderIdsBulkQuery,
  orderIdsPageQuery,
  ordersByIdsQuery,
  orderLineItemsQuery,
  ordersBulkQuery,
  ordersCountQuery,
  ordersPageQuery,
} from './documents.js';
import {
  fromGraphql,
  fromWebhook,
  gidType,
  type GraphqlLineItem,
  graphqlLineItemSchema,
  type GraphqlOrder,
  graphqlOrderSchema,
} from './mapping.js';
import { orderDeletePayloadSchema, orderPayloadSchema } from './payloads.js';

/**
 * orders(first:) is a connection (2). Each order: the Order (1), customer (1), four money bags of
 * shop + presentment money (3 each), two addresses (1 each), and its line items, a nested
 * connection priced 2 + ORDER_LINE_ITEMS_PAGE × 7 (LineItem, variant, product, two shop-money
 * bags of 2): nested connections multiply, which is why that page stays small.
 */
const ordersPageCost: PageCost = {
  perQuery: 2,
  perNode: 1 + 1 + 4 * 3 + 2 + (2 + ORDER_LINE_ITEMS_PAGE * 7),
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
  // A 500-line order mirrors completely: the rest of its line items, a page at a time.
  completeNode: async (node, graphql) => ({
    ...node,
    lineItems: await completeNested(node.id, node.lineItems, lineItemPages, graphql),
  }),
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: ordersPageCost,
  initialPageSize: largestPageWithin(ordersPageCost, MAX_QUERY_COST),
  bulk: { query: ordersBulkQuery, idsQuery: orderIdsBulkQuery, children: { connection: 'lineItems' } },
};
