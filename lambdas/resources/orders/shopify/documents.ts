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
import { metafieldsSelection } from '../../kit/metafields.js';
export const ORDER_LINE_ITEMS_PAGE = 10;
/**
 * The first page of each fulfillment's and refund's nested lists, inside every order of a page.
 * Most orders have one or two of each with a few lines: small first pages keep the order page
 * affordable, and a longer list gets the rest through the by-id queries below.
 */
export const FULFILLMENT_LINES_PAGE = 5;
export const REFUND_LINES_PAGE = 5;
export const REFUND_TRANSACTIONS_PAGE = 2;

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

const presentmentMoney = /* GraphQL */ `
  presentmentMoney {
    amount
    currencyCode
  }
`;

export const fulfillmentLineItemFields = /* GraphQL */ `
  id
  quantity
  lineItem {
    id
  }
`;

export const refundLineItemFields = /* GraphQL */ `
  quantity
  lineItem {
    id
  }
  subtotalSet {
    ${bothMoneys}
  }
`;

export const refundTransactionFields = /* GraphQL */ `
  id
  kind
  status
  amountSet {
    ${presentmentMoney}
  }
`;

const fulfillmentFields = /* GraphQL */ `
  id
  status
  createdAt
  updatedAt
  location {
    id
  }
  trackingInfo {
    company
    number
    url
  }
`;

const refundFields = /* GraphQL */ `
  id
  createdAt
  note
  totalRefundedSet {
    ${presentmentMoney}
  }
`;

/**
 * Fulfillments and refunds are lists on Order (all of them, no paging) whose lines are
 * connections: the page carries each connection's first page, `…PagesQuery` below the rest.
 */
const paged = (connection: string, size: number, fields: string) => /* GraphQL */ `
  ${connection}(first: ${size}) {
    nodes {
      ${fields}
    }
    ${pageInfoFields}
  }
`;

const fulfillmentsAndRefunds = /* GraphQL */ `
  fulfillments {
    ${fulfillmentFields}
    ${paged('fulfillmentLineItems', FULFILLMENT_LINES_PAGE, fulfillmentLineItemFields)}
  }
  refunds {
    ${refundFields}
    ${paged('refundLineItems', REFUND_LINES_PAGE, refundLineItemFields)}
    ${paged('transactions', REFUND_TRANSACTIONS_PAGE, refundTransactionFields)}
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

export const ordersPage = (namespaces: readonly string[]): string => /* GraphQL */ `
  query OrdersPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ${orderFields}
        ${fulfillmentsAndRefunds}${metafieldsSelection(namespaces)}
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
export const ordersByIds = (namespaces: readonly string[]): string => /* GraphQL */ `
  query OrdersByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        ${orderFields}
        ${fulfillmentsAndRefunds}${metafieldsSelection(namespaces)}
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

/** The documents without metafields: a deployment that configures no order namespace reads these. */
export const ordersPageQuery = ordersPage([]);
export const ordersByIdsQuery = ordersByIds([]);

/** The line items of one order after the first page (7 points each). */
export const orderLineItemsQuery = nestedPageQuery('OrderLineItems', 'order', 'lineItems', lineItemFields);

/** The rest of a fulfillment's lines, of a refund's lines and of its transactions. */
export const fulfillmentLineItemsQuery = nestedPageQuery(
  'FulfillmentLineItems',
  'fulfillment',
  'fulfillmentLineItems',
  fulfillmentLineItemFields,
);
export const refundLineItemsQuery = nestedPageQuery(
  'RefundLineItems',
  'refund',
  'refundLineItems',
  refundLineItemFields,
);
export const refundTransactionsQuery = nestedPageQuery(
  'RefundTransactions',
  'refund',
  'transactions',
  refundTransactionFields,
);

export const ordersCountQuery = countQuery('OrdersCount', 'ordersCount');

/** Ids only, in id order, for the deletion reconcile. */
export const orderIdsPageQuery = idsPageQuery('OrderIdsPage', 'orders');

/**
 * Every order with all its line items, fulfillments and refunds, for a bulk operation (full syncs
 * of large stores): the page's fields, no pagination arguments. Line items come as `__parentId`
 * lines, gathered back under their order; a fulfillment's lines and a refund's lines and
 * transactions come as lines whose `__parentId` is that fulfillment or refund (inline in the
 * order's line), told apart by `__typename` (shopify/source.ts declares `children`). Five
 * connections (orders, lineItems, fulfillmentLineItems, refundLineItems, transactions), nested
 * two deep: exactly bulk's limits, so no metafields connection fits (an order's metafields are
 * read by the paged sync: shopify/source.ts).
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
                __typename
                ${lineItemFields}
              }
            }
          }
          fulfillments {
            ${fulfillmentFields}
            fulfillmentLineItems {
              edges {
                node {
                  __typename
                  ${fulfillmentLineItemFields}
                }
              }
            }
          }
          refunds {
            ${refundFields}
            refundLineItems {
              edges {
                node {
                  __typename
                  ${refundLineItemFields}
                }
              }
            }
            transactions {
              edges {
                node {
                  __typename
                  ${refundTransactionFields}
                }
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
