/**
 * What an inventory level is to the mirror, whatever the platform: its name, table, lookups
 * (`?inventoryItemId=` lists an item's stock at every location, `?locationId=` a location's
 * stock) and personal data.
 */
export const inventoryLevelsDefinition = {
  name: 'inventory-levels',
  // Opt-in: it needs scopes a store installed for the first three resources never granted.
  optIn: true,
  table: { id: 'InventoryLevels', lookups: [{ attribute: 'inventoryItemId' }, { attribute: 'locationId' }] },
  // Stock counts: nothing about a person.
  personalData: [],
} as const;
