import {
  ORDER_LINE_ITEMS_PAGE,
  orderIdsPageQuery,
  ordersByIdsQuery,
  orderLineItemsQuery,
  ordersCountQuery,
  ordersPageQuery,
  ordersBulkQuery,
  orderIdsBulkQuery,
} from '../../shopify/queries/orders.js';
import { orderDeletePayloadSchema, orderPayloadSchema } from '../../shopify/order-payloads.js';
import { numericIdOfGid } from './shopify-fields.js';
import {
  type GraphqlLineItem,
  graphqlLineItemSchema,
  type GraphqlOrder,
  graphqlOrderSchema,
  orderSnapshotFromGraphql,
} from '../orders/from-graphql.js';
import { orderSnapshotFromWebhook } from '../orders/from-webhook.js';
import { type OrderRecord, orderPersonalFields, type OrderSnapshot } from '../orders/order-record.js';
import { gidOf, type RecordOwner } from './mirrored-record.js';
import { completeNested, type NestedPages } from './nested-pages.js';
import { toUtcIso } from './normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from './query-cost.js';
import { type ResourceDefinition, resourceWebhooks } from './resource-definition.js';

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

export const toOrderRecord = (snapshot: OrderSnapshot, owner: RecordOwner): OrderRecord => ({
  organizationId: owner.organizationId,
  integrationId: owner.integrationId,
  shopDomain: owner.shopDomain,
  ...snapshot,
  shopifyGid: gidOf('Order', snapshot.shopifyId),
  source: 'SHOPIFY',
});

export const ordersResource: ResourceDefinition<GraphqlOrder, OrderRecord, 'Orders'> = {
  name: 'orders',
  gidType: 'Order',
  scopes: ['read_orders'],
  fullHistoryScope: 'read_all_orders',
  // Orders of one customer: `?customerId=` on the read API, by index.
  table: { id: 'Orders', lookups: [{ attribute: 'customerId' }] },
  webhooks: resourceWebhooks({
    // orders/create and orders/updated carry the whole order; cancellations, fulfillments,
    // payments and edits all bump updated_at and arrive as orders/updated.
    upsertTopics: ['orders/create', 'orders/updated'],
    payloadSchema: orderPayloadSchema,
    toRecord: (payload, owner) => toOrderRecord(orderSnapshotFromWebhook(payload), owner),
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
  // The sale stays (it is the merchant's record); what identifies or reaches the buyer goes.
  personalData: orderPersonalFields,
  document: ordersPageQuery,
  connectionField: 'orders',
  nodeSchema: graphqlOrderSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toOrderRecord(orderSnapshotFromGraphql(node), owner),
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
