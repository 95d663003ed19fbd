/**
 * Locations: where inventory is kept. Read with `read_locations`; the topics are Shopify's five
 * (`locations/activate` and `/deactivate` carry the whole location, like an update, since
 * 2023-01; Shopify still sends `locations/update` for them too, which the write rules absorb).
 */
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import type { LocationRecord, LocationSnapshot } from '../record.js';
import {
  locationIdsBulkQuery,
  locationIdsPageQuery,
  locationsBulkQuery,
  locationsByIdsQuery,
  locationsCountQuery,
  locationsPageQuery,
} from './documents.js';
import { fromGraphql, fromWebhook, type GraphqlLocation, graphqlLocationSchema } from './mapping.js';
import { locationDeletePayloadSchema, locationPayloadSchema } from './payloads.js';

/** locations(first:) is a connection (2); each node is the Location (1) and its address (1). */
const locationsPageCost: PageCost = { perQuery: 2, perNode: 2 };

const recordOf = (snapshot: LocationSnapshot, owner: RecordOwner): LocationRecord =>
  toRecord<LocationRecord>('Location', snapshot, owner);

export const locationsShopify: ShopifySource<GraphqlLocation, LocationRecord> = {
  gidType: 'Location',
  scopes: ['read_locations'],
  webhooks: resourceWebhooks({
    upsertTopics: ['locations/create', 'locations/update', 'locations/activate', 'locations/deactivate'],
    payloadSchema: locationPayloadSchema,
    toRecord: (payload, owner) => recordOf(fromWebhook(payload), owner),
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
  toRecord: (node, owner) => recordOf(fromGraphql(node), owner),
  // No update-time filter exists for locations: every sync lists them all (a page or two).
  updatedSince: () => '',
  pageCost: locationsPageCost,
  initialPageSize: largestPageWithin(locationsPageCost, MAX_QUERY_COST),
  bulk: { query: locationsBulkQuery, idsQuery: locationIdsBulkQuery },
};
