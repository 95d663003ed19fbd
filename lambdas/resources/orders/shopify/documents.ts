/**
 * Orders ordered by `updatedAt`, filtered by the search syntax (`updated_at:>='…'`), with the
 * first page of their line items. Only non-deprecated 2026-10 fields: money as `…Set` bags
 * (exact decimal strings with a currency), never the deprecated plain amounts.
 *
 * Line items are a nested connection, so their page size multiplies the cost of every order:
 * ORDER_LINE_ITEMS_PAGE keeps an order page affordable, and an order with more line items gets
 * the rest through `orderLineItemsQuery`.
 */
import {
  countQuery,
  idsPageQuery,
  mailingAddressFields,
  nestedPageQuery,
  pageInfoFields,
} from '../../../shopify/queries/resource-listings.js';
export const ORDER_LINE_ITEMS_PAGE = 10;

const money = /* GraphQL */ `
  shopMoney {
    amount
    currencyCode
  }
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

/** An order's own fields, shared by the page and the bulk operation (line items apart). */
const orderFields = /* GraphQL */ `
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
          ${mailingAddressFields}
        }
        billingAddress {
          ${mailingAddressFields}
        }
        tags
        note
        cancelledAt
        cancelReason
        closedAt
        processedAt
        createdAt
        updatedAt
`;

export const ordersPageQuery = /* GraphQL */ `
  query OrdersPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ${orderFields}
        lineItems(first: ${ORDER_LINE_ITEMS_PAGE}) {
          nodes {
            ${lineItemFields}
          }
          ${pageInfoFields}
        }
      }
      ${pageInfoFields}
    }
  }
`;

/**
 * Orders by id, with the page's fields: the reconcile's backfill, and an order whose webhook body
 * was too large for EventBridge (`{ "id": … }` only). `null` for an id Shopify no longer has.
 */
export const ordersByIdsQuery = /* GraphQL */ `
  query OrdersByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        ${orderFields}
        lineItems(first: ${ORDER_LINE_ITEMS_PAGE}) {
          nodes {
            ${lineItemFields}
          }
          ${pageInfoFields}
        }
      }
    }
  }
`;

/** The line items of one order after the first page (7 points each). */
export const orderLineItemsQuery = nestedPageQuery('OrderLineItems', 'order', 'lineItems', lineItemFields);

export const ordersCountQuery = countQuery('OrdersCount', 'ordersCount');

/** Ids only, in id order, for the deletion reconcile. */
export const orderIdsPageQuery = idsPageQuery('OrderIdsPage', 'orders');

/**
 * Every order with all its line items, for a bulk operation (full syncs of large stores): the
 * page's fields, no pagination arguments. Line items come as `__parentId` lines, gathered back
 * under their order (shopify/source.ts declares `children`), so no order needs the
 * per-order line-item pages a paged sync spends on a 500-line order.
 */
export const ordersBulkQuery = /* GraphQL */ `
  query OrdersBulk {
    orders(sortKey: ID) {
      edges {
        node {
          ${orderFields}
          lineItems {
            edges {
              node {
                ${lineItemFields}
              }
            }
          }
        }
      }
    }
  }
`;

/** Ids only, for the reconcile's listing of a large store by bulk operation. */
export const orderIdsBulkQuery = /* GraphQL */ `
  query OrderIdsBulk {
    orders(sortKey: ID) {
      edges {
        node {
          id
        }
      }
    }
  }
`;
