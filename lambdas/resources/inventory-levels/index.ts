/** The neutral definition and its Shopify source, as the registry lists them. */
import type { ResourceDefinition } from '../kit/definition.js';
import { inventoryLevelsDefinition } from './definition.js';
import type { InventoryLevelRecord } from './record.js';
import type { GraphqlLevelParent } from './shopify/mapping.js';
import { inventoryLevelsShopify } from './shopify/source.js';

export const inventoryLevelsResource: ResourceDefinition<
  GraphqlLevelParent,
  InventoryLevelRecord,
  'InventoryLevels'
> = {
  ...inventoryLevelsDefinition,
  ...inventoryLevelsShopify,
};
