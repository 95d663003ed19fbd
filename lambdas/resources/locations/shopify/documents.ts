/**
 * Locations, for the sync, the reconcile and a bulk operation. Shopify's `locations` can neither
 * sort nor filter by update time (its search knows `created_at`, not `updated_at`), so every
 * sync lists them all, by id: a store has a few, at most some hundreds, so that is a page or two
 * at 1 point a node. `includeInactive` keeps deactivated ones in the listing: they are still
 * locations (their `isActive` says so), and a reconcile that did not list them would delete them.
 * No deprecated 2026-10 field (`isPrimary` is).
 */
import { pageInfoFields } from '../../../shopify/queries/resource-listings.js';

/** A location's fields, shared by the page, the lookup by id and the bulk operation. */
export const locationFields = /* GraphQL */ `
  id
  name
  isActive
  createdAt
  updatedAt
  address {
    address1
    address2
    city
    zip
    province
    provinceCode
    country
    countryCode
    phone
  }
`;

export const locationsPageQuery = /* GraphQL */ `
  query LocationsPage($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, query: $query, includeInactive: true, sortKey: ID) {
      nodes {
        ${locationFields}
      }
      ${pageInfoFields}
    }
  }
`;

export const locationsCountQuery = /* GraphQL */ `
  query LocationsCount {
    locationsCount(limit: null) {
      count
      precision
    }
  }
`;

/**
 * Ids only, in id order, for the reconcile. Inactive ones too: a deactivated location is still
 * one (its record says `isActive: false`), and one left out of the listing would be deleted.
 */
export const locationIdsPageQuery = /* GraphQL */ `
  query LocationIdsPage($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, query: $query, includeInactive: true, sortKey: ID) {
      nodes {
        id
      }
      ${pageInfoFields}
    }
  }
`;

/** The reconcile's backfill: locations Shopify lists and the mirror lacks, by id. */
export const locationsByIdsQuery = /* GraphQL */ `
  query LocationsByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Location {
        ${locationFields}
      }
    }
  }
`;

export const locationsBulkQuery = /* GraphQL */ `
  query LocationsBulk {
    locations(includeInactive: true, sortKey: ID) {
      edges {
        node {
          ${locationFields}
        }
      }
    }
  }
`;

export const locationIdsBulkQuery = /* GraphQL */ `
  query LocationIdsBulk {
    locations(includeInactive: true, sortKey: ID) {
      edges {
        node {
          id
        }
      }
    }
  }
`;
