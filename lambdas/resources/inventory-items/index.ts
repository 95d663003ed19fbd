/** The neutral definition and its Shopify source, as the registry lists them. */
import type { ResourceDefinition } from '../kit/definition.js';
import { inventoryItemsDefinition } from './definition.js';
import type { InventoryItemRecord } from './record.js';
import type { GraphqlInventoryItem } from './shopify/mapping.js';
import { inventoryItemsShopify } from './shopify/source.js';

export const inventoryItemsResource: ResourceDefinition<
  GraphqlInventoryItem,
  InventoryItemRecord,
  'InventoryItems'
> = {
  ...inventoryItemsDefinition,
  ...inventoryItemsShopify,
};
