/** The collection, whatever it is mirrored from: its table, its record and what erasure removes. */
import type { ResourceBase } from '../kit/definition.js';
import { collectionRecordSchema } from './record.js';

export const collectionsDefinition = {
  name: 'collections',
  // Opt-in: added after 1.0, and a deployment that does not need it should not pay for re-reading
  // every collection's members on every sync.
  optIn: true,
  table: { id: 'Collections', lookups: [] },
  // A catalogue holds nothing about a person.
  personalData: [],
  recordSchema: collectionRecordSchema,
} as const satisfies ResourceBase<'Collections'>;
