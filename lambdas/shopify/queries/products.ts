/**
 * Products ordered by `updatedAt`, filtered by the search syntax, with the first page of their
 * variants (a nested connection: its page size multiplies each product's cost, so it stays
 * small and a product with more variants gets the rest through `productVariantsQuery`).
 * Only non-deprecated 2026-10 fields: no bodyHtml, images, featuredImage or totalVariants.
 */
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

export const productsPageQuery = /* GraphQL */ `
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ${productFields}
        variants(first: ${PRODUCT_VARIANTS_PAGE}) {
          nodes {
            ${variantFields}
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The variants of one product after the first page, 100 at a time. */
export const productVariantsQuery = /* GraphQL */ `
  query ProductVariants($id: ID!, $after: String) {
    product(id: $id) {
      variants(first: 100, after: $after) {
        nodes {
          ${variantFields}
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/** `limit: null` lifts the default cap of 10,000, so large stores get an exact count. */
export const productsCountQuery = /* GraphQL */ `
  query ProductsCount {
    productsCount(limit: null) {
      count
      precision
    }
  }
`;

/** Ids only, in id order, for the deletion reconcile (sliced with `query: "id:>N"`). */
export const productIdsPageQuery = /* GraphQL */ `
  query ProductIdsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/**
 * Every product with all its variants, for a bulk operation: the page's fields, no pagination
 * arguments; variants come as `__parentId` lines, gathered back under their product.
 */
export const productsBulkQuery = /* GraphQL */ `
  query ProductsBulk {
    products(sortKey: ID) {
      edges {
        node {
          ${productFields}
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
