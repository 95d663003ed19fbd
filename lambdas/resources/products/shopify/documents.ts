/**
 * Products ordered by `updatedAt`, filtered by the search syntax, with the first page of their
 * variants (a nested connection: its page size multiplies each product's cost, so it stays
 * small and a product with more variants gets the rest through `productVariantsQuery`).
 * Only non-deprecated 2026-10 fields: no bodyHtml, images, featuredImage or totalVariants.
 */
import {
  countQuery,
  idsPageQuery,
  nestedPageQuery,
  pageInfoFields,
} from '../../../shopify/queries/resource-listings.js';
import { metafieldsBulkSelection, metafieldsSelection } from '../../kit/metafields.js';
export const PRODUCT_VARIANTS_PAGE = 10;

const variantFields = /* GraphQL */ `
  id
  title
  sku
  price
  compareAtPrice
  inventoryQuantity
`;

/** A product's own fields, shared by the page and the bulk operation (variants apart). */
const productFields = /* GraphQL */ `
  id
  title
  handle
  vendor
  productType
  status
  tags
  createdAt
  updatedAt
  options {
    name
    optionValues {
      name
    }
  }
`;

export const productsPage = (namespaces: readonly string[]): string => /* GraphQL */ `
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ${productFields}${metafieldsSelection(namespaces)}
        variants(first: ${PRODUCT_VARIANTS_PAGE}) {
          nodes {
            ${variantFields}
          }
          ${pageInfoFields}
        }
      }
      ${pageInfoFields}
    }
  }
`;

/**
 * Products by id, with the page's fields: the reconcile's backfill, and a product whose webhook
 * body was too large for EventBridge (`{ "id": … }` only). `null` for an id Shopify no longer has.
 */
export const productsByIds = (namespaces: readonly string[]): string => /* GraphQL */ `
  query ProductsByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        ${productFields}${metafieldsSelection(namespaces)}
        variants(first: ${PRODUCT_VARIANTS_PAGE}) {
          nodes {
            ${variantFields}
          }
          ${pageInfoFields}
        }
      }
    }
  }
`;

/** The documents without metafields: a deployment that configures no product namespace reads these. */
export const productsPageQuery = productsPage([]);
export const productsByIdsQuery = productsByIds([]);

/** The variants of one product after the first page. */
export const productVariantsQuery = nestedPageQuery('ProductVariants', 'product', 'variants', variantFields);

export const productsCountQuery = countQuery('ProductsCount', 'productsCount');

/** Ids only, in id order, for the deletion reconcile. */
export const productIdsPageQuery = idsPageQuery('ProductIdsPage', 'products');

/**
 * Every product with all its variants, for a bulk operation: the page's fields, no pagination
 * arguments; variants come as `__parentId` lines, gathered back under their product.
 */
export const productsBulk = (namespaces: readonly string[]): string => /* GraphQL */ `
  query ProductsBulk {
    products(sortKey: ID) {
      edges {
        node {
          ${productFields}${metafieldsBulkSelection(namespaces)}
          variants {
            edges {
              node {
                ${variantFields}
              }
            }
          }
        }
      }
    }
  }
`;

export const productsBulkQuery = productsBulk([]);

/** Ids only, for the reconcile's listing of a large store by bulk operation. */
export const productIdsBulkQuery = /* GraphQL */ `
  query ProductIdsBulk {
    products(sortKey: ID) {
      edges {
        node {
          id
        }
      }
    }
  }
`;
