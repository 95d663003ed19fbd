/** What an inventory item is to the mirror, whatever the platform: its name, table and personal data. */
export const inventoryItemsDefinition = {
  name: 'inventory-items',
  // Opt-in: it needs scopes a store installed for the first three resources never granted.
  optIn: true,
  table: { id: 'InventoryItems', lookups: [] },
  // Stock-keeping facts of a product variant: nothing about a person.
  personalData: [],
} as const;
