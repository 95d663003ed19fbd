/**
 * Inventory items, for the sync, the reconcile and a bulk operation. `inventoryItems` has no sort
 * key (it lists in id order) but does filter by `updated_at`; its objects are all scalars but the
 * unit cost (1), so a page of 250 costs 2 + 250 × 2. The deprecated `variant` field is not read,
 * and the variant link is left out: REST's `inventory_items/*` bodies do not carry it.
 */
import { pageInfoFields } from '../../../shopify/queries/resource-listings.js';

export const inventoryItemFields = /* GraphQL */ `
  id
  sku
  tracked
  requiresShipping
  countryCodeOfOrigin
  provinceCodeOfOrigin
  harmonizedSystemCode
  createdAt
  updatedAt
  unitCost {
    amount
  }
`;

export const inventoryItemsPageQuery = /* GraphQL */ `
  query InventoryItemsPage($first: Int!, $after: String, $query: String) {
    inventoryItems(first: $first, after: $after, query: $query) {
      nodes {
        ${inventoryItemFields}
      }
      ${pageInfoFields}
    }
  }
`;

/**
 * `inventoryItems` has no count of its own; Shopify keeps exactly one inventory item per
 * variant, so the variants' count is theirs.
 */
export const inventoryItemsCountQuery = /* GraphQL */ `
  query InventoryItemsCount {
    productVariantsCount(limit: null) {
      count
      precision
    }
  }
`;

/** Ids only, in id order (the listing's only order), for the deletion reconcile. */
export const inventoryItemIdsPageQuery = /* GraphQL */ `
  query InventoryItemIdsPage($first: Int!, $after: String, $query: String) {
    inventoryItems(first: $first, after: $after, query: $query) {
      nodes {
        id
      }
      ${pageInfoFields}
    }
  }
`;

export const inventoryItemsByIdsQuery = /* GraphQL */ `
  query InventoryItemsByIds($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        ${inventoryItemFields}
      }
    }
  }
`;

export const inventoryItemsBulkQuery = /* GraphQL */ `
  query InventoryItemsBulk {
    inventoryItems {
      edges {
        node {
          ${inventoryItemFields}
        }
      }
    }
  }
`;

export const inventoryItemIdsBulkQuery = /* GraphQL */ `
  query InventoryItemIdsBulk {
    inventoryItems {
      edges {
        node {
          id
        }
      }
    }
  }
`;
