/** The customer, whatever it is mirrored from: its table, its record and what erasure removes. */
import type { ResourceBase } from '../kit/definition.js';
import { customerRecordSchema } from './record.js';

export const customersDefinition = {
  name: 'customers',
  table: { id: 'Customers', lookups: [] },
  // A redacted customer keeps only ids and its lifecycle: every other field is about the person.
  personalData: 'record',
  recordSchema: customerRecordSchema,
} as const satisfies ResourceBase<'Customers'>;
