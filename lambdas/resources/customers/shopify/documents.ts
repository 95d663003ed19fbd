import {
  countQuery,
  idsPageQuery,
  mailingAddressFields,
} from '../../../shopify/queries/resource-listings.js';
import { metafieldsBulkSelection, metafieldsSelection, metafieldsSelectionOn } from '../../kit/metafields.js';

/** The Customer fields that feed the canonical record, shared by the listing and the lookup by id. */
const customerFields = /* GraphQL */ `
  fragment CustomerFields on Customer {
    id
    firstName
    lastName
    defaultEmailAddress {
      emailAddress
    }
    defaultPhoneNumber {
      phoneNumber
    }
    state
    verifiedEmail
    taxExempt
    taxExemptions
    note
    createdAt
    updatedAt
    defaultAddress {
      id
      ${mailingAddressFields}
    }
  }
`;

/**
 * Customers ordered by `updatedAt`, filtered by the search syntax (`updated_at:>='…'`). Selects
 * only non-deprecated 2026-10 fields that feed the canonical record (see ../record.ts).
 */
export const customersPage = (namespaces: readonly string[]): string => /* GraphQL */ `
  query CustomersPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        ...CustomerFields${metafieldsSelection(namespaces)}
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${customerFields}
`;

/**
 * Customers by id, straight from the store (no search index): the reconcile's backfill of what a
 * listing showed but the mirror lacks. `null` for an id Shopify no longer has.
 */
export const customersByIds = (namespaces: readonly string[]): string => /* GraphQL */ `
  query CustomersByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ...CustomerFields${metafieldsSelectionOn('Customer', namespaces)}
    }
  }
  ${customerFields}
`;

/**
 * Every customer, for a bulk operation (initial and full syncs of large stores): the same fields
 * as a page, no pagination arguments; Shopify writes one customer per JSONL line.
 */
export const customersBulk = (namespaces: readonly string[]): string => /* GraphQL */ `
  query CustomersBulk {
    customers {
      edges {
        node {
          ...CustomerFields${metafieldsBulkSelection(namespaces)}
        }
      }
    }
  }
  ${customerFields}
`;

/** The documents without metafields: a deployment that configures no customer namespace reads these. */
export const customersPageQuery = customersPage([]);
export const customersByIdsQuery = customersByIds([]);
export const customersBulkQuery = customersBulk([]);

/** Ids only, for the reconcile's listing of a large store by bulk operation. */
export const customerIdsBulkQuery = /* GraphQL */ `
  query CustomerIdsBulk {
    customers {
      edges {
        node {
          id
        }
      }
    }
  }
`;

export const customersCountQuery = countQuery('CustomersCount', 'customersCount');

/** Ids only, in id order, for the deletion reconcile. */
export const customerIdsPageQuery = idsPageQuery('CustomerIdsPage', 'customers');
