/** What an inventory item is to the mirror, whatever the platform: its name, table and personal data. */
import type { ResourceBase } from '../kit/definition.js';
import { inventoryItemRecordSchema } from './record.js';

export const inventoryItemsDefinition = {
  name: 'inventory-items',
  // Opt-in: it needs scopes a store installed for customers, orders and products never granted.
  optIn: true,
  table: { id: 'InventoryItems', lookups: [] },
  // Stock-keeping facts of a product variant: nothing about a person.
  personalData: [],
  recordSchema: inventoryItemRecordSchema,
} as const satisfies ResourceBase<'InventoryItems'>;
