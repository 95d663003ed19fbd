/**
 * Attributes of a mirror's items that are storage, not the mirrored record: the sharded index's
 * key and rule 6's `partsSeenAt` (core/records/record-parts.ts). The read API never shows them,
 * and comparisons of stored items with records leave them out.
 */
import { PARTS_SEEN_AT } from '../../core/records/record-parts.js';
import { UPDATED_SHARD_ATTRIBUTE } from './updated-shards.js';

const STORAGE_ATTRIBUTES = [UPDATED_SHARD_ATTRIBUTE, PARTS_SEEN_AT] as const;

export const withoutStorageAttributes = <T extends object>(item: T): T => {
  if (!STORAGE_ATTRIBUTES.some((name) => name in item)) return item;
  const record: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const name of STORAGE_ATTRIBUTES) delete record[name];
  return record as T;
};
