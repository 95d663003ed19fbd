/**
 * The documents every mirrored resource has in the same shape, built from its names: the count
 * and the id listing of the deletion reconcile, and the follow-up page of a nested connection
 * (an order's line items, a product's variants). A resource's own fields stay in its file.
 */

/** What every paged connection selects to go on. */
export const pageInfoFields = /* GraphQL */ `
  pageInfo {
    hasNextPage
    endCursor
  }
`;

/**
 * A `MailingAddress`'s fields, as the customer's default address and an order's shipping and
 * billing addresses select them (one PostalAddress mapping reads all three).
 */
export const mailingAddressFields = /* GraphQL */ `
  firstName
  lastName
  name
  company
  address1
  address2
  city
  province
  provinceCode
  country
  countryCodeV2
  zip
  phone
`;

/**
 * `<connection>Count` of the whole store. `limit: null` lifts the default cap of 10,000, so
 * large stores get an exact count.
 */
export const countQuery = (operationName: string, countField: string): string => /* GraphQL */ `
  query ${operationName} {
    ${countField}(limit: null) {
      count
      precision
    }
  }
`;

/**
 * What a document lists: the connection field, its listing arguments (the resource's own order
 * and filter: `sortKey: ID`, `includeInactive: true`…; empty for none) and each node's fields.
 */
type Listed = [connection: string, listing: string, nodeFields: string];

/** `nodes { … } pageInfo { … }`: one page of a connection's nodes. */
const nodesPage = (nodeFields: string): string => /* GraphQL */ `
  nodes {
    ${nodeFields}
  }
  ${pageInfoFields}
`;

/** A page of the connection, sliced by `$query`: the incremental sync's listing. */
export const pageQuery = (operationName: string, ...[connection, listing, nodeFields]: Listed): string => {
  const args = ['first: $first', 'after: $after', 'query: $query', ...(listing ? [listing] : [])];
  return /* GraphQL */ `
    query ${operationName}($first: Int!, $after: String, $query: String) {
      ${connection}(${args.join(', ')}) {
        ${nodesPage(nodeFields)}
      }
    }
  `;
};

/**
 * Ids only, in id order: about one cost point per record. The caller slices with
 * `query: "id:>N"` so no single cursor walk reaches Shopify's 25,000-object limit. `listing`
 * must keep id order (a connection without a sort key lists by id).
 */
export const idsPageQuery = (
  operationName: string,
  connectionField: string,
  listing = 'sortKey: ID',
): string => pageQuery(operationName, connectionField, listing, 'id');

/** Records by id, with the page's fields (`null` for an id Shopify no longer has). */
export const byIdsQuery = (
  operationName: string,
  nodeType: string,
  nodeFields: string,
): string => /* GraphQL */ `
  query ${operationName}($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ${nodeType} {
        ${nodeFields}
      }
    }
  }
`;

/**
 * A connection walked whole, as a bulk operation reads it: no paging arguments, edges of nodes.
 * Nested in a parent's fields, its nodes come as `__parentId` lines.
 */
export const connectionEdges = (...[connection, listing, nodeFields]: Listed): string => /* GraphQL */ `
  ${connection}${listing ? `(${listing})` : ''} {
    edges {
      node {
        ${nodeFields}
      }
    }
  }
`;

/** The whole connection for a bulk operation. */
export const bulkQuery = (operationName: string, ...listed: Listed): string =>
  `query ${operationName} { ${connectionEdges(...listed)} }`;

/** One parent's nested connection after its first page (`$first` sized by resources/kit/nested-pages.ts). */
export const nestedPageQuery = (
  operationName: string,
  parentField: string,
  connectionField: string,
  nodeFields: string,
): string => /* GraphQL */ `
  query ${operationName}($id: ID!, $first: Int!, $after: String) {
    ${parentField}(id: $id) {
      ${connectionField}(first: $first, after: $after) {
        ${nodesPage(nodeFields)}
      }
    }
  }
`;
