/**
 * Write-sharded keys of the read API's `updatedSince` index (docs/scaling.md, scenario 1).
 *
 * Every write of a record sets `shopifyUpdatedAt` to about "now", so an index keyed on the
 * organization alone takes all of one organization's writes at the end of one key's range: a
 * flash sale of 500 orders a second puts ~7,500 write units a second on it, 7.5 times what one
 * partition takes, and a throttled index throttles the table's writes. Keyed instead on
 * `<organizationId>#<shard>`, with the shard derived from the record's id, the same writes spread
 * over UPDATED_SHARDS key values (~470 units a second each in that sale). A record always lands in
 * the same shard, so an update moves it within its shard and a listing that reads every shard
 * from its own position (record-query-store.ts) still sees it.
 *
 * The shard count is part of the stored data: changing it means another backfill and index
 * (docs/upgrading.md).
 */

/** Shards per organization: 16 × 1,000 write units a second, twice scenario 1's peak. */
export const UPDATED_SHARDS = 16;

/** The attribute that keys the sharded index. */
export const UPDATED_SHARD_ATTRIBUTE = 'updatedShard';

/** The read API's sharded `updatedSince` index. */
export const SHARDED_UPDATED_INDEX = 'byOrganizationShardUpdatedAt';

/** The index it replaces: one key value per organization (kept while a deployment migrates). */
export const UNSHARDED_UPDATED_INDEX = 'byOrganizationUpdatedAt';

/**
 * FNV-1a (32 bit) of the id's digits: cheap (the sync computes it for every record), stable
 * across releases and runtimes, and it spreads ids that differ only in their last digits, which
 * is what one store's consecutive order ids do.
 */
export const shardOf = (shopifyId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < shopifyId.length; i += 1) {
    hash ^= shopifyId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % UPDATED_SHARDS;
};

export const shardKey = (organizationId: string, shard: number): string => `${organizationId}#${shard}`;

/** The value of `updatedShard` for one record. */
export const updatedShardOf = (organizationId: string, shopifyId: string): string =>
  shardKey(organizationId, shardOf(shopifyId));
