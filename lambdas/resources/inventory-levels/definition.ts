/**
 * What an inventory level is to the mirror, whatever the platform: its name, table, lookups
 * (`?inventoryItemId=` lists an item's stock at every location, `?locationId=` a location's
 * stock) and personal data.
 */
import type { ResourceBase } from '../kit/definition.js';
import { inventoryLevelRecordSchema } from './record.js';

export const inventoryLevelsDefinition = {
  name: 'inventory-levels',
  // Opt-in: it needs scopes a store installed for customers, orders and products never granted.
  optIn: true,
  table: { id: 'InventoryLevels', lookups: [{ attribute: 'inventoryItemId' }, { attribute: 'locationId' }] },
  // `<item>:<location>`: an item disconnected from a location and connected again is the same key.
  reusedKeys: true,
  // Stock counts: nothing about a person.
  personalData: [],
  recordSchema: inventoryLevelRecordSchema,
} as const satisfies ResourceBase<'InventoryLevels'>;
