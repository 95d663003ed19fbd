import {
  customerIdsBulkQuery,
  customersBulkQuery,
  customersByIdsQuery,
  customersPageQuery,
} from './shopify/documents.js';
import { type CustomerRecord, toCustomerRecord, toUtcIso } from './record.js';
import {
  type GraphqlCustomer,
  graphqlCustomerSchema,
  numericIdOfGid,
  snapshotFromGraphql,
} from './shopify/mapping.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../kit/query-cost.js';
import { type ResourceDefinition, resourceWebhooks } from '../kit/definition.js';
import { snapshotFromWebhook } from './shopify/from-webhook.js';
import { customerDeletePayloadSchema, customerPayloadSchema } from './shopify/payloads.js';
import { customerIdsPageQuery, customersCountQuery } from '../../shopify/queries/lifecycle.js';

/**
 * customers(first:) is a connection (2); each node is the Customer object (1) plus the
 * defaultEmailAddress, defaultPhoneNumber and defaultAddress objects (1 each); scalars are free.
 */
const customersPageCost: PageCost = { perQuery: 2, perNode: 4 };

export const customersResource: ResourceDefinition<GraphqlCustomer, CustomerRecord, 'Customers'> = {
  name: 'customers',
  gidType: 'Customer',
  scopes: ['read_customers'],
  table: { id: 'Customers', lookups: [] },
  webhooks: resourceWebhooks({
    upsertTopics: ['customers/create', 'customers/update'],
    payloadSchema: customerPayloadSchema,
    toRecord: (payload, owner) => toCustomerRecord(snapshotFromWebhook(payload), owner),
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
  // A redacted customer keeps only ids and its lifecycle: every other field is about the person.
  personalData: 'record',
  document: customersPageQuery,
  connectionField: 'customers',
  nodeSchema: graphqlCustomerSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toCustomerRecord(snapshotFromGraphql(node), owner),
  // Quoted: the timestamp contains colons, which the search syntax would otherwise split on.
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: customersPageCost,
  // Every Shopify plan's bucket holds at least one maximum-cost query; later pages also fit the bucket reported.
  initialPageSize: largestPageWithin(customersPageCost, MAX_QUERY_COST),
  bulk: { query: customersBulkQuery, idsQuery: customerIdsBulkQuery },
};
