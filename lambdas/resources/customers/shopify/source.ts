/** How customers are read from Shopify: documents, cost, bulk, webhook topics and scopes. */
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { toUtcIso } from '../../kit/normalize.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import type { CustomerRecord } from '../record.js';
import {
  customerIdsBulkQuery,
  customerIdsPageQuery,
  customersBulk,
  customersBulkQuery,
  customersByIds,
  customersByIdsQuery,
  customersCountQuery,
  customersPage,
  customersPageQuery,
} from './documents.js';
import { withMetafields } from '../../kit/metafield-source.js';
import { fromGraphql, fromWebhook, gidType, type GraphqlCustomer, graphqlCustomerSchema } from './mapping.js';
import { customerDeletePayloadSchema, customerPayloadSchema } from './payloads.js';

/**
 * customers(first:) is a connection (2); each node is the Customer object (1) plus the
 * defaultEmailAddress, defaultPhoneNumber and defaultAddress objects (1 each); scalars are free.
 */
const customersPageCost: PageCost = { perQuery: 2, perNode: 4 };

export const customersShopify: ShopifySource<GraphqlCustomer, CustomerRecord> = {
  gidType,
  scopes: ['read_customers'],
  webhooks: resourceWebhooks({
    upsertTopics: ['customers/create', 'customers/update'],
    payloadSchema: customerPayloadSchema,
    toRecord: fromWebhook,
    deleteTopic: 'customers/delete',
    deletePayloadSchema: customerDeletePayloadSchema,
  }),
  reconcile: {
    countQuery: customersCountQuery,
    countField: 'customersCount',
    idsQuery: customerIdsPageQuery,
    idsConnectionField: 'customers',
    byIdsQuery: customersByIdsQuery,
  },
  document: customersPageQuery,
  connectionField: 'customers',
  nodeSchema: graphqlCustomerSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: fromGraphql,
  // Quoted: the timestamp contains colons, which the search syntax would otherwise split on.
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: customersPageCost,
  // Every Shopify plan's bucket holds at least one maximum-cost query; later pages also fit the bucket reported.
  initialPageSize: largestPageWithin(customersPageCost, MAX_QUERY_COST),
  bulk: { query: customersBulkQuery, idsQuery: customerIdsBulkQuery },
  withMetafieldNamespaces: (namespaces) =>
    withMetafields(customersShopify, namespaces, {
      page: customersPage(namespaces),
      byIds: customersByIds(namespaces),
      bulk: customersBulk(namespaces),
    }),
};
