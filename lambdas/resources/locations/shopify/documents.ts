/**
 * Locations, for the sync, the reconcile and a bulk operation. Shopify's `locations` can neither
 * sort nor filter by update time (its search knows `created_at`, not `updated_at`), so every
 * sync lists them all, by id: a store has a few, at most some hundreds, so that is a page or two
 * at 1 point a node. `includeInactive` keeps deactivated ones in the listing: they are still
 * locations (their `isActive` says so), and a reconcile that did not list them would delete them.
 * No deprecated 2026-10 field (`isPrimary` is).
 */
import * as listings from '../../../shopify/queries/resource-listings.js';

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

/** Every location, active or not, by id (locations neither sort nor filter by update time). */
const listing = 'includeInactive: true, sortKey: ID';

export const locationsPageQuery = listings.pageQuery('LocationsPage', 'locations', listing, locationFields);

export const locationsCountQuery = listings.countQuery('LocationsCount', 'locationsCount');

/**
 * Ids only, in id order, for the reconcile. Inactive ones too: a deactivated location is still
 * one (its record says `isActive: false`), and one left out of the listing would be deleted.
 */
export const locationIdsPageQuery = listings.idsPageQuery('LocationIdsPage', 'locations', listing);

/** The reconcile's backfill: locations Shopify lists and the mirror lacks, by id. */
export const locationsByIdsQuery = listings.byIdsQuery('LocationsByIds', 'Location', locationFields);

export const locationsBulkQuery = listings.bulkQuery('LocationsBulk', 'locations', listing, locationFields);

export const locationIdsBulkQuery = listings.bulkQuery('LocationIdsBulk', 'locations', listing, 'id');
