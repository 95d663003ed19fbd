/**
 * How collections are read from Shopify: documents, cost, bulk, webhook topics and scopes.
 * `read_products` covers collections and their members (Shopify has no collection scope).
 */
import { completeNested, type NestedPages } from '../../kit/nested-pages.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import { type CollectionRecord, MAX_MEMBERS_IN_ITEM } from '../record.js';
import {
  COLLECTION_PRODUCTS_PAGE,
  COLLECTION_PRODUCTS_REST,
  collectionIdsBulkQuery,
  collectionIdsPageQuery,
  collectionProductsQuery,
  collectionsBulkQuery,
  collectionsByIdsQuery,
  collectionsCountQuery,
  collectionsPageQuery,
} from './documents.js';
import {
  fromGraphql,
  fromWebhook,
  gidType,
  type GraphqlCollection,
  graphqlCollectionSchema,
  type GraphqlMember,
  graphqlMemberSchema,
} from './mapping.js';
import { collectionDeletePayloadSchema, collectionPayloadSchema } from './payloads.js';

/**
 * collections(first:) is a connection (2). Each collection (1) has its count (1) and the first
 * page of its members, 2 + COLLECTION_PRODUCTS_PAGE × 1 (a member is its id).
 */
const collectionsPageCost: PageCost = { perQuery: 2, perNode: 1 + 1 + (2 + COLLECTION_PRODUCTS_PAGE) };

/** The rest of a collection's members: the collection (1), the connection (2), 1 per member. */
const memberPages: NestedPages<GraphqlMember> = {
  document: collectionProductsQuery,
  parentField: 'collection',
  connectionField: 'products',
  nodeSchema: graphqlMemberSchema,
  pageSize: COLLECTION_PRODUCTS_REST,
  cost: { perQuery: 1 + 2, perNode: 1 },
  // Past what one item holds the ids are not kept (record.ts): reading them would be spent points.
  maxNodes: MAX_MEMBERS_IN_ITEM,
};

export const collectionsShopify: ShopifySource<GraphqlCollection, CollectionRecord> = {
  gidType,
  scopes: ['read_products'],
  webhooks: resourceWebhooks({
    upsertTopics: ['collections/create', 'collections/update'],
    payloadSchema: collectionPayloadSchema,
    toRecord: fromWebhook,
    deleteTopic: 'collections/delete',
    deletePayloadSchema: collectionDeletePayloadSchema,
  }),
  reconcile: {
    countQuery: collectionsCountQuery,
    countField: 'collectionsCount',
    idsQuery: collectionIdsPageQuery,
    byIdsQuery: collectionsByIdsQuery,
    idsConnectionField: 'collections',
  },
  document: collectionsPageQuery,
  connectionField: 'collections',
  nodeSchema: graphqlCollectionSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: fromGraphql,
  completeNode: async (node, graphql) => ({
    ...node,
    products: await completeNested(node.id, node.products, memberPages, graphql),
  }),
  // Every sync lists every collection: a smart collection's members change with its products and
  // a custom one's when a product is added from the product's page, and neither moves the
  // collection's updatedAt or sends a collection webhook. Stores hold far fewer than the 25,000
  // objects a listing may reach; the cost is in docs/resources.md#collections.
  updatedSince: () => '',
  pageCost: collectionsPageCost,
  initialPageSize: largestPageWithin(collectionsPageCost, MAX_QUERY_COST),
  bulk: {
    query: collectionsBulkQuery,
    idsQuery: collectionIdsBulkQuery,
    children: { connection: 'products' },
  },
};
