/**
 * The newest `shopifyUpdatedAt` this container saw stored, per record, for a short while: what
 * lets a webhook upsert that is certainly stale skip its transaction (record-store.ts).
 *
 * Why it is safe: a stored item's `shopifyUpdatedAt` only grows (record-writes.ts rule 1: a write
 * lands only if it is not older; deletes leave it as it is), so a version seen stored stays a
 * lower bound of what is stored, and an update older than it can only lose its condition. Two
 * things remove an item's version: a whole-record redaction (customers/redact replaces the item)
 * and a purge. The store is given a memory only for resources that are never redacted
 * (mirror-stores.ts), and a purge happens after the integration is deactivated, whose deliveries
 * are ignored before any write; entries are keyed by integration too and forgotten after
 * `ttlMs`, so nothing learned before a disconnect outlives it.
 *
 * Why it pays: Shopify sends a busy item's inventory levels many times a second, out of order
 * and again on retries; most of such a burst is older than what is stored. Without the memory,
 * each of those is a cancelled TransactWriteItems (DynamoDB's expensive path, on rows other
 * deliveries are writing) before its receipt; with it, only its receipt's conditional Put.
 */

export interface KnownVersions {
  /** Whether a version newer than `updatedAt` is known to be stored under `key`. */
  hasNewerThan(key: string, updatedAt: string): boolean;
  /** A version seen stored under `key` (a write that landed, or the item a condition failed on). */
  note(key: string, updatedAt: string): void;
}

export interface KnownVersionsOptions {
  /** Records remembered at once; the oldest noted is forgotten first. */
  readonly maxKeys?: number;
  /** How long a version seen stored is trusted (ms). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** A burst lasts seconds; a disconnect, purge and reconnect take longer than this. */
const DEFAULT_TTL_MS = 10_000;
const DEFAULT_MAX_KEYS = 1_000;

export const createKnownVersions = ({
  maxKeys = DEFAULT_MAX_KEYS,
  ttlMs = DEFAULT_TTL_MS,
  now = Date.now,
}: KnownVersionsOptions = {}): KnownVersions => {
  const versions = new Map<string, { readonly updatedAt: string; readonly seenAt: number }>();
  return {
    hasNewerThan(key, updatedAt) {
      const known = versions.get(key);
      if (!known) return false;
      if (now() - known.seenAt > ttlMs) {
        versions.delete(key);
        return false;
      }
      // ISO-8601 UTC strings, compared as the write's condition compares them.
      return known.updatedAt > updatedAt;
    },
    note(key, updatedAt) {
      const known = versions.get(key);
      if (known && known.updatedAt > updatedAt && now() - known.seenAt <= ttlMs) return;
      versions.delete(key);
      if (versions.size >= maxKeys) versions.delete(versions.keys().next().value!);
      versions.set(key, { updatedAt, seenAt: now() });
    },
  };
};
