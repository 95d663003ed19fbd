/**
 * Orders ordered by `updatedAt`, filtered by the search syntax (`updated_at:>='…'`), with the
 * first page of their line items. Only non-deprecated 2026-10 fields: money as `…Set` bags
 * (exact decimal strings with a currency), never the deprecated plain amounts.
 *
 * Line items are a nested connection, so their page size multiplies the cost of every order:
 * ORDER_LINE_ITEMS_PAGE keeps an order page affordable, and an order with more line items gets
 * the rest through `orderLineItemsQuery`.
 */
import { countQuery, idsPageQuery, nestedPageQuery, pageInfoFields } from './resource-listings.js';
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
          ${pageInfoFields}
        }
      }
      ${pageInfoFields}
    }
  }
`;

/** The line items of one order after the first page (7 points each). */
export const orderLineItemsQuery = nestedPageQuery('OrderLineItems', 'order', 'lineItems', lineItemFields);

export const ordersCountQuery = countQuery('OrdersCount', 'ordersCount');

/** Ids only, in id order, for the deletion reconcile. */
export const orderIdsPageQuery = idsPageQuery('OrderIdsPage', 'orders');
