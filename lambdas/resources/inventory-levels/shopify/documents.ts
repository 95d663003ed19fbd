/**
 * Inventory levels, for the sync and a bulk operation. Shopify has no top-level listing of
 * levels: they hang under an inventory item or a location, and only the nested
 * `inventoryLevels(query:)` filters by `updated_at`.
 *
 * Pages go through the store's locations (a few, listed in full by id) with each location's
 * levels filtered by the page's `$query`: an incremental sync then reads only the levels that
 * changed, which an item-first listing cannot (an item's `updatedAt` does not move when its
 * stock does). A level costs 4 (the level, its item, its location, its quantities list); a
 * location carries 25 of them (1 + 2 + 25 × 4 = 103, so 9 locations fit a 1,000-point query)
 * and the rest of a location's levels come 200 a query (1 + 2 + 200 × 4 = 803).
 *
 * The bulk operation goes through inventory items instead (nesting 2, two connections): a
 * bulk result gathers each parent with all its children in memory, and an item has a handful of
 * levels where a location may have every item of the store.
 */
import * as listings from '../../../shopify/queries/resource-listings.js';
import { quantityNames } from '../record.js';

export const LOCATION_LEVELS_PAGE = 25;
export const LEVELS_PAGE = 200;

const names = quantityNames.map((name) => `"${name}"`).join(', ');

export const inventoryLevelFields = /* GraphQL */ `
  id
  updatedAt
  item {
    id
  }
  location {
    id
  }
  quantities(names: [${names}]) {
    name
    quantity
  }
`;

export const inventoryLevelsPageQuery = /* GraphQL */ `
  query InventoryLevelsPage($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, includeInactive: true, sortKey: ID) {
      nodes {
        id
        updatedAt
        inventoryLevels(first: ${LOCATION_LEVELS_PAGE}, query: $query) {
          nodes {
            ${inventoryLevelFields}
          }
          ${listings.pageInfoFields}
        }
      }
      ${listings.pageInfoFields}
    }
  }
`;

/** The rest of one location's levels, under the same filter as its first page. */
export const locationLevelsQuery = /* GraphQL */ `
  query LocationInventoryLevels($id: ID!, $first: Int!, $after: String, $query: String) {
    location(id: $id) {
      inventoryLevels(first: $first, after: $after, query: $query) {
        nodes {
          ${inventoryLevelFields}
        }
        ${listings.pageInfoFields}
      }
    }
  }
`;

export const inventoryLevelsBulkQuery = /* GraphQL */ `
  query InventoryLevelsBulk {
    inventoryItems {
      edges {
        node {
          id
          updatedAt
          inventoryLevels {
            edges {
              node {
                ${inventoryLevelFields}
              }
            }
          }
        }
      }
    }
  }
`;

/**
 * The deletion reconcile's listing: a level's key is `<item id>:<location id>` and Shopify lists
 * no level on its own, so it lists inventory items by id (`id:>N` slices, as the items'
 * reconcile) with the location of each of their levels. An item is stocked at a few locations:
 * its first 25 come with it (1 + 2 + 25 × 2 = 53 points, 18 items a query), the rest 250 a query.
 */
export const LEVEL_KEYS_PER_ITEM = 25;
export const LEVEL_KEYS_PAGE = 250;

const levelLocation = /* GraphQL */ `
  location {
    id
  }
`;

const itemLevelKeys = /* GraphQL */ `
  id
  inventoryLevels(first: ${LEVEL_KEYS_PER_ITEM}) {
    nodes {
      ${levelLocation}
    }
    ${listings.pageInfoFields}
  }
`;

// No sort key: `inventoryItems` lists in id order only.
export const inventoryLevelKeysQuery = listings.pageQuery(
  'InventoryLevelKeysPage',
  'inventoryItems',
  '',
  itemLevelKeys,
);

/** A level the listing did not show, confirmed gone by its item, looked up directly (no search index). */
export const inventoryLevelKeysByItemQuery = listings.byIdsQuery(
  'InventoryLevelKeysByItem',
  'InventoryItem',
  itemLevelKeys,
);

/** The rest of one item's level keys. */
export const itemLevelKeysQuery = listings.nestedPageQuery(
  'InventoryItemLevelKeys',
  'inventoryItem',
  'inventoryLevels',
  levelLocation,
);

/** Every level key in one bulk operation: an item's line, then one line per level (`__parentId`). */
export const inventoryLevelKeysBulkQuery = listings.bulkQuery(
  'InventoryLevelKeysBulk',
  'inventoryItems',
  '',
  `id ${listings.connectionEdges('inventoryLevels', '', levelLocation)}`,
);
