/**
 * Collections (custom and smart) with their members' ids, for the sync and a bulk operation.
 * Only non-deprecated 2026-10 fields (no `ruleSet`: 2026-07 replaced it with `sources`). A collection's members are a nested connection sorted by id
 * (ids only, 1 point each): the page carries the first COLLECTION_PRODUCTS_PAGE of each, and a
 * larger collection gets the rest COLLECTION_PRODUCTS_REST a query through
 * `collectionProductsQuery` (1 + 2 + 250 = 253 points).
 *
 * The bulk operation nests two connections (collections → products: depth 2, within Shopify's
 * five connections and two levels); members come as `__parentId` lines.
 */
import * as listings from '../../../shopify/queries/resource-listings.js';

export const COLLECTION_PRODUCTS_PAGE = 50;
export const COLLECTION_PRODUCTS_REST = 250;

/** A collection's own fields, shared by the page, the by-ids backfill and the bulk operation. */
const collectionFields = /* GraphQL */ `
  id
  title
  handle
  sortOrder
  updatedAt
  productsCount {
    count
    precision
  }
`;

const firstMembers = /* GraphQL */ `
  products(first: ${COLLECTION_PRODUCTS_PAGE}, sortKey: ID) {
    nodes {
      id
    }
    ${listings.pageInfoFields}
  }
`;

export const collectionsPageQuery = listings.pageQuery(
  'CollectionsPage',
  'collections',
  'sortKey: UPDATED_AT',
  collectionFields + firstMembers,
);

/**
 * Collections by id, with the page's fields: the reconcile's backfill, and a collection whose
 * webhook body was too large for EventBridge. `null` for an id Shopify no longer has.
 */
export const collectionsByIdsQuery = listings.byIdsQuery(
  'CollectionsByIds',
  'Collection',
  collectionFields + firstMembers,
);

/** The members of one collection after the first page, in id order. */
export const collectionProductsQuery = /* GraphQL */ `
  query CollectionProducts($id: ID!, $first: Int!, $after: String) {
    collection(id: $id) {
      products(first: $first, after: $after, sortKey: ID) {
        nodes {
          id
        }
        ${listings.pageInfoFields}
      }
    }
  }
`;

export const collectionsCountQuery = listings.countQuery('CollectionsCount', 'collectionsCount');

/** Ids only, in id order, for the deletion reconcile. */
export const collectionIdsPageQuery = listings.idsPageQuery('CollectionIdsPage', 'collections');

/** Every collection with every member, for a bulk operation (members as `__parentId` lines). */
export const collectionsBulkQuery = listings.bulkQuery(
  'CollectionsBulk',
  'collections',
  'sortKey: ID',
  collectionFields + listings.connectionEdges('products', 'sortKey: ID', 'id'),
);

/** Ids only, for the reconcile's listing of a large store by bulk operation. */
export const collectionIdsBulkQuery = listings.bulkQuery(
  'CollectionIdsBulk',
  'collections',
  'sortKey: ID',
  'id',
);
