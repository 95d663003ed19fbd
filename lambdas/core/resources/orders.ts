import * as z from 'zod';
import {
  ORDER_LINE_ITEMS_PAGE,
  orderIdsPageQuery,
  orderLineItemsQuery,
  ordersCountQuery,
  ordersPageQuery,
  ordersBulkQuery,
  orderIdsBulkQuery,
} from '../../shopify/queries/orders.js';
import { orderDeletePayloadSchema, orderPayloadSchema } from '../../shopify/order-payloads.js';
import { numericIdOfGid } from '../customers/from-graphql.js';
import {
  type GraphqlOrder,
  graphqlOrderSchema,
  lineItemConnectionSchema,
  orderSnapshotFromGraphql,
} from '../orders/from-graphql.js';
import { orderSnapshotFromWebhook } from '../orders/from-webhook.js';
import { type OrderRecord, orderPersonalFields, type OrderSnapshot } from '../orders/order-record.js';
import { gidOf, type RecordOwner } from './mirrored-record.js';
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

/** A line-items page of `orderLineItemsQuery`: the order (1) + a connection of 100 × 7. */
const LINE_ITEMS_QUERY_COST = 1 + 2 + 100 * 7;

const lineItemsPageSchema = z.object({ order: z.object({ lineItems: lineItemConnectionSchema }).nullable() });

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
  completeNode: async (node, graphql) => {
    let { lineItems } = node;
    const all = [...lineItems.nodes];
    while (lineItems.pageInfo.hasNextPage) {
      const { data } = await graphql.query(
        orderLineItemsQuery,
        { id: node.id, after: lineItems.pageInfo.endCursor },
        lineItemsPageSchema,
        { expectedCost: LINE_ITEMS_QUERY_COST },
      );
      if (!data.order) break; // deleted meanwhile: its orders/delete webhook or the reconcile settles it
      lineItems = data.order.lineItems;
      all.push(...lineItems.nodes);
    }
    return { ...node, lineItems: { nodes: all, pageInfo: lineItems.pageInfo } };
  },
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: ordersPageCost,
  initialPageSize: largestPageWithin(ordersPageCost, MAX_QUERY_COST),
  bulk: { query: ordersBulkQuery, idsQuery: orderIdsBulkQuery, children: { connection: 'lineItems' } },
};
