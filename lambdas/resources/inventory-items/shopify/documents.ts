/**
 * Inventory items, for the sync, the reconcile and a bulk operation. `inventoryItems` has no sort
 * key (it lists in id order) but does filter by `updated_at`; its objects are all scalars but the
 * unit cost (1), so a page of 250 costs 2 + 250 × 2. The deprecated `variant` field is not read,
 * and the variant link is left out: REST's `inventory_items/*` bodies do not carry it.
 */
import * as listings from '../../../shopify/queries/resource-listings.js';

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

// No sort key: `inventoryItems` lists in id order only.
export const inventoryItemsPageQuery = listings.pageQuery(
  'InventoryItemsPage',
  'inventoryItems',
  '',
  inventoryItemFields,
);

/**
 * `inventoryItems` has no count of its own; Shopify keeps exactly one inventory item per
 * variant, so the variants' count is theirs.
 */
export const inventoryItemsCountQuery = listings.countQuery('InventoryItemsCount', 'productVariantsCount');

/** Ids only, in id order (the listing's only order), for the deletion reconcile. */
export const inventoryItemIdsPageQuery = listings.idsPageQuery('InventoryItemIdsPage', 'inventoryItems', '');

export const inventoryItemsByIdsQuery = listings.byIdsQuery(
  'InventoryItemsByIds',
  'InventoryItem',
  inventoryItemFields,
);

export const inventoryItemsBulkQuery = listings.bulkQuery(
  'InventoryItemsBulk',
  'inventoryItems',
  '',
  inventoryItemFields,
);

export const inventoryItemIdsBulkQuery = listings.bulkQuery(
  'InventoryItemIdsBulk',
  'inventoryItems',
  '',
  'id',
);
