/** What a location is to the mirror, whatever the platform: its name, table and personal data. */
export const locationsDefinition = {
  name: 'locations',
  // Opt-in: it needs scopes a store installed for the first three resources never granted.
  optIn: true,
  table: { id: 'Locations', lookups: [] },
  // A store's warehouses and shops: business addresses, nothing about a person.
  personalData: [],
} as const;
