import { customersPageQuery } from '../../shopify/queries/customers.js';
import { type CustomerRecord, toCustomerRecord, toUtcIso } from '../customers/customer-record.js';
import {
  type GraphqlCustomer,
  graphqlCustomerSchema,
  numericIdOfGid,
  snapshotFromGraphql,
} from '../customers/from-graphql.js';
import type { ResourceDefinition } from './resource-definition.js';

export const customersResource: ResourceDefinition<GraphqlCustomer, CustomerRecord> = {
  name: 'customers',
  document: customersPageQuery,
  connectionField: 'customers',
  nodeSchema: graphqlCustomerSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toCustomerRecord(snapshotFromGraphql(node), owner),
  // Quoted: the timestamp contains colons, which the search syntax would otherwise split on.
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  initialPageSize: 50,
};
