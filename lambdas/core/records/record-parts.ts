/**
 * Rule 6 of the mirror writes (record-writes.ts): the parts of a record (an order's fulfillments
 * and refunds) carry versions of their own, and a part topic can merge a part newer than every
 * snapshot of the record yet received (a carrier's tracking update). A snapshot then arrives
 * that is newer than the stored one but older than that part: its order fields must land, and the
 * part must not go back.
 *
 * What makes it cheap: a snapshot shows the record at one instant, no earlier than its own
 * `shopifyUpdatedAt` and no earlier than any part version it holds, since a part's version is
 * stamped when the part changes. So every part at or below that instant (`partsSeenAt`) is in the
 * snapshot as new as it was stored or newer. The store keeps the stored item's `partsSeenAt`, and
 * a snapshot whose own is not lower replaces the lists as any field; only one whose is lower
 * (rare: a late body after a part topic) has the stored parts newer than it laid over its own.
 */
import type { RecordPartList } from '../../resources/kit/definition.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import { byNumericId } from '../../resources/kit/normalize.js';

/** The stored item's attribute: the newest instant its snapshot and parts are known to show. */
export const PARTS_SEEN_AT = 'partsSeenAt';

type Part = Record<string, unknown> & { readonly id: string };

const partsOf = (item: object, list: RecordPartList): readonly Part[] => {
  const value = (item as Record<string, unknown>)[list.field];
  return Array.isArray(value) ? (value as Part[]) : [];
};

const versionOf = (part: Part, list: RecordPartList): string => {
  const version = part[list.version];
  // A part without a version (a refund whose createdAt Shopify left null) is no evidence of time.
  return typeof version === 'string' ? version : '';
};

/** The newest instant `record` is known to show: its update time or its newest part's version. */
export const partsSeenAt = (record: MirroredRecord, lists: readonly RecordPartList[]): string => {
  let seen = record.shopifyUpdatedAt;
  for (const list of lists)
    for (const part of partsOf(record, list)) {
      const version = versionOf(part, list);
      if (version > seen) seen = version;
    }
  return seen;
};

/**
 * `record` with the parts of `stored` that are newer than `record` shows laid over its own (by
 * id, kept in id order as the mappings keep them), or undefined when `stored` has none: the
 * snapshot then replaces the lists whole.
 */
export const withNewerParts = <TRecord extends MirroredRecord>(
  record: TRecord,
  stored: object,
  lists: readonly RecordPartList[],
): TRecord | undefined => {
  const seen = partsSeenAt(record, lists);
  let changed = false;
  const merged: Record<string, unknown> = { ...(record as object) };
  for (const list of lists) {
    const newer = partsOf(stored, list).filter((part) => versionOf(part, list) > seen);
    if (newer.length === 0) continue;
    changed = true;
    const byId = new Map(partsOf(record, list).map((part) => [part.id, part]));
    for (const part of newer) byId.set(part.id, part);
    merged[list.field] = [...byId.values()].sort((a, b) => byNumericId(a.id, b.id));
  }
  return changed ? (merged as TRecord) : undefined;
};
