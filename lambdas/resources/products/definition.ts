/** The product, whatever it is mirrored from: its table, its record and what erasure removes. */
import type { ResourceBase } from '../kit/definition.js';
import { productRecordSchema } from './record.js';

export const productsDefinition = {
  name: 'products',
  table: { id: 'Products', lookups: [] },
  // A catalogue holds nothing about a person.
  personalData: [],
  recordSchema: productRecordSchema,
} as const satisfies ResourceBase<'Products'>;
