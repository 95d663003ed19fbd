/**
 * Locations: where inventory is kept. Read with `read_locations`; the topics are Shopify's five
 * (`locations/activate` and `/deactivate` carry the whole location, like an update, since
 * 2023-01; Shopify still sends `locations/update` for them too, which the write rules absorb).
 */
import { gidOf, type RecordOwner } from '../../core/resources/mirrored-record.js';
import { toUtcIso } from '../../core/resources/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../core/resources/query-cost.js';
import { type ResourceDefinition, resourceWebhooks } from '../../core/resources/resource-definition.js';
import { numericIdOfGid } from '../../core/resources/shopify-fields.js';
import { locationsDefinition } from './definition.js';
import type { LocationRecord, LocationSnapshot } from './record.js';
import {
  locationIdsBulkQuery,
  locationIdsPageQuery,
  locationsBulkQuery,
  locationsByIdsQuery,
  locationsCountQuery,
  locationsPageQuery,
} from './shopify/documents.js';
import { fromGraphql, fromWebhook, type GraphqlLocation, graphqlLocationSchema } from './shopify/mapping.js';
import { locationDeletePayloadSchema, locationPayloadSchema } from './shopify/payloads.js';

/** locations(first:) is a connection (2); each node is the Location (1) and its address (1). */
const locationsPageCost: PageCost = { perQuery: 2, perNode: 2 };

const toRecord = (snapshot: LocationSnapshot, owner: RecordOwner): LocationRecord => ({
  organizationId: owner.organizationId,
  integrationId: owner.integrationId,
  shopDomain: owner.shopDomain,
  ...snapshot,
  shopifyGid: gidOf('Location', snapshot.shopifyId),
  source: 'SHOPIFY',
});

export const locationsResource: ResourceDefinition<GraphqlLocation, LocationRecord, 'Locations'> = {
  ...locationsDefinition,
  gidType: 'Location',
  scopes: ['read_locations'],
  webhooks: resourceWebhooks({
    upsertTopics: ['locations/create', 'locations/update', 'locations/activate', 'locations/deactivate'],
    payloadSchema: locationPayloadSchema,
    toRecord: (payload, owner) => toRecord(fromWebhook(payload), owner),
    deleteTopic: 'locations/delete',
    deletePayloadSchema: locationDeletePayloadSchema,
  }),
  reconcile: {
    countQuery: locationsCountQuery,
    countField: 'locationsCount',
    idsQuery: locationIdsPageQuery,
    idsConnectionField: 'locations',
    byIdsQuery: locationsByIdsQuery,
  },
  document: locationsPageQuery,
  connectionField: 'locations',
  nodeSchema: graphqlLocationSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toRecord(fromGraphql(node), owner),
  // No update-time filter exists for locations: every sync lists them all (a page or two).
  updatedSince: () => '',
  pageCost: locationsPageCost,
  initialPageSize: largestPageWithin(locationsPageCost, MAX_QUERY_COST),
  bulk: { query: locationsBulkQuery, idsQuery: locationIdsBulkQuery },
};
