/** What a location is to the mirror, whatever the platform: its name, table and personal data. */
import type { ResourceBase } from '../kit/definition.js';
import { locationRecordSchema } from './record.js';

export const locationsDefinition = {
  name: 'locations',
  // Opt-in: it needs scopes a store installed for customers, orders and products never granted.
  optIn: true,
  table: { id: 'Locations', lookups: [] },
  // A store's warehouses and shops: business addresses, nothing about a person.
  personalData: [],
  recordSchema: locationRecordSchema,
} as const satisfies ResourceBase<'Locations'>;
