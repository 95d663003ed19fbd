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

export const productsPageQuery = /* GraphQL */ `
  query ProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
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

/** The variants of one product after the first page (core/resources/nested-pages.ts sizes `$first`). */
export const productVariantsQuery = /* GraphQL */ `
  query ProductVariants($id: ID!, $first: Int!, $after: String) {
    product(id: $id) {
      variants(first: $first, after: $after) {
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
