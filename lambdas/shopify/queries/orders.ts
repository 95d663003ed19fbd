/**
 * Orders ordered by `updatedAt`, filtered by the search syntax (`updated_at:>='…'`), with the
 * first page of their line items. Only non-deprecated 2026-10 fields: money as `…Set` bags
 * (exact decimal strings with a currency), never the deprecated plain amounts.
 *
 * Line items are a nested connection, so their page size multiplies the cost of every order:
 * ORDER_LINE_ITEMS_PAGE keeps an order page affordable, and an order with more line items gets
 * the rest through `orderLineItemsQuery`.
 */
export const ORDER_LINE_ITEMS_PAGE = 10;

const money = /* GraphQL */ `
  shopMoney {
    amount
    currencyCode
  }
`;

const address = /* GraphQL */ `
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

const lineItemFields = /* GraphQL */ `
  id
  title
  quantity
  sku
  variant {
    id
  }
  product {
    id
  }
  originalUnitPriceSet {
    ${money}
  }
  discountedTotalSet {
    ${money}
  }
`;

const bothMoneys = /* GraphQL */ `
  ${money}
  presentmentMoney {
    amount
    currencyCode
  }
`;

export const ordersPageQuery = /* GraphQL */ `
  query OrdersPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        name
        customer {
          id
        }
        email
        phone
        displayFinancialStatus
        displayFulfillmentStatus
        currencyCode
        presentmentCurrencyCode
        subtotalPriceSet {
          ${bothMoneys}
        }
        totalTaxSet {
          ${bothMoneys}
        }
        totalPriceSet {
          ${bothMoneys}
        }
        currentTotalPriceSet {
          ${bothMoneys}
        }
        shippingAddress {
          ${address}
        }
        billingAddress {
          ${address}
        }
        tags
        note
        cancelledAt
        cancelReason
        closedAt
        processedAt
        createdAt
        updatedAt
        lineItems(first: ${ORDER_LINE_ITEMS_PAGE}) {
          nodes {
            ${lineItemFields}
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

/** The line items of one order after the first page (7 points each; core/resources/nested-pages.ts sizes `$first`). */
export const orderLineItemsQuery = /* GraphQL */ `
  query OrderLineItems($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $first, after: $after) {
        nodes {
          ${lineItemFields}
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
export const ordersCountQuery = /* GraphQL */ `
  query OrdersCount {
    ordersCount(limit: null) {
      count
      precision
    }
  }
`;

/** Ids only, in id order, for the deletion reconcile (sliced with `query: "id:>N"`). */
export const orderIdsPageQuery = /* GraphQL */ `
  query OrderIdsPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: ID) {
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
