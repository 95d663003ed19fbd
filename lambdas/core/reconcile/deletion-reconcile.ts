/**
 * Reconcile: the id sets of Shopify and of the mirror, compared both ways. Webhooks miss deletes
 * (a dropped delivery, a subscription Shopify removed, an outage longer than its 4-hour retry
 * window) and an incremental sync cannot see a deleted customer: it is simply absent. A listing
 * can also stop short of the whole store (a pagination limit that ends silently), leaving live
 * customers unmirrored. So after a sync we compare Shopify's count with ours and, on a mismatch
 * or at least daily, compare the id sets: what the mirror has and Shopify does not is deleted;
 * what Shopify has and the mirror does not is fetched by id and written (backfill).
 *
 * Safety rules, because a wrong delete stays until the customer changes again:
 * - Nothing is concluded unless the id listing ran to its end (a page that says hasNextPage but
 *   holds no ids is an incomplete listing, not the end).
 * - Only customers whose stored `shopifyUpdatedAt` is older than the reconcile start minus the
 *   overlap are candidates: the listing goes through Shopify's search index, which lags writes.
 * - A candidate is marked deleted only when Shopify answers `null` for it in a direct lookup
 *   (`nodes(ids:)`, no search index): a listing can miss live records, a lookup cannot.
 * - A reconcile-made delete is reversed by a newer snapshot (customer-writes.ts, rule 2).
 *
 * A mismatch that outlasts a reconcile (e.g. customers Shopify counts but never lists) is recorded
 * on the integration and not re-attempted every hour: the next reconcile waits for the daily
 * rule, or for the counts to change.
 */
import type { BulkResultReader } from '../bulk/ports.js';
import type { CountMismatch, Integration } from '../integrations/integration.js';
import { type OpenShopDeps, openShop } from '../integrations/open-shop.js';
import type { IntegrationLifecycleRecords, RecordInventory } from '../integrations/ports.js';
import {
  countShopifyRecords,
  fetchRecordsByIds,
  IncompleteListingError,
  recordsAbsentFromShopify,
  shopifyRecordIds,
  shopifyRecordIdsInBulk,
} from '../integrations/shop-admin.js';
import type { Logger } from '../logger.js';
import type { MirroredRecord } from '../resources/mirrored-record.js';
import type { RecordWrites } from '../resources/record-writes.js';
import type { ResourceDefinition, WriteCounts } from '../resources/resource-definition.js';

export const RECONCILE_AT_LEAST_EVERY_MS = 24 * 60 * 60 * 1000;

export interface ReconcileDeps extends OpenShopDeps {
  /** The resource: its GraphQL type, count query, id listings, and the mapping for a backfill. */
  readonly resource: Pick<
    ResourceDefinition<unknown>,
    'name' | 'gidType' | 'reconcile' | 'bulk' | 'nodeSchema' | 'toRecord' | 'pageCost'
  >;
  readonly inventory: RecordInventory;
  readonly writes: Pick<RecordWrites, 'markDeleted'> & {
    upsertMany(records: readonly MirroredRecord[]): Promise<WriteCounts>;
  };
  readonly records: Pick<IntegrationLifecycleRecords, 'recordReconcile'>;
  readonly logger: Logger;
  /** SYNC_OVERLAP_MINUTES: how far back from the start a stored change is considered too recent. */
  readonly overlapMinutes: number;
  /** Shopify's object limit per listing (SHOPIFY_LISTING_LIMIT; 25,000). */
  readonly listingLimit?: number;
  readonly now?: () => Date;
  /** Reports a mismatch that outlasted a reconcile (a metric in production). */
  readonly onLastingMismatch?: (integration: Integration, resource: string, mismatch: CountMismatch) => void;
  /**
   * Stores with more customers than `threshold` are listed by bulk operation (no points, no
   * listing limit); without it the listing is always paged.
   */
  readonly bulk?: {
    readonly results: BulkResultReader;
    readonly threshold: number;
    readonly pollDelayMs?: number;
  };
}

export interface ReconcileOptions {
  /** Skip the count comparison and the daily rule: always compare the id sets. */
  readonly force?: boolean;
  /** Epoch ms after which the id listing gives up (nothing is marked then). */
  readonly deadline?: number;
  /**
   * Called between pages: keeps the store's lease (one Shopify consumer per store at a time) and
   * throws when it is lost, which stops the reconcile before it concludes anything.
   */
  readonly heartbeat?: () => Promise<void>;
}

export type ReconcileResult =
  | { readonly outcome: 'skipped'; readonly shopifyCount: number; readonly storedActive: number }
  | { readonly outcome: 'incomplete'; readonly idsListed: number; readonly reason: string }
  | {
      readonly outcome: 'reconciled';
      readonly idsListed: number;
      readonly candidates: number;
      readonly markedInactive: readonly string[];
      readonly backfilled: readonly string[];
      readonly mismatch?: CountMismatch;
    };

export const isReconcileDue = (input: {
  readonly shopifyCount: number;
  readonly storedActive: number;
  readonly lastReconciledAt: string | undefined;
  /** The mismatch the last reconcile could not resolve: not retried until the counts change. */
  readonly lastingMismatch?: CountMismatch;
  readonly now: Date;
}): boolean => {
  if (
    input.lastReconciledAt === undefined ||
    input.now.getTime() - Date.parse(input.lastReconciledAt) >= RECONCILE_AT_LEAST_EVERY_MS
  )
    return true;
  if (input.shopifyCount === input.storedActive) return false;
  const known = input.lastingMismatch;
  return !(known && known.shopifyCount === input.shopifyCount && known.storedActive === input.storedActive);
};

export const runDeletionReconcile = async (
  integration: Integration,
  deps: ReconcileDeps,
  { force = false, deadline = Number.POSITIVE_INFINITY, heartbeat = async () => {} }: ReconcileOptions = {},
): Promise<ReconcileResult> => {
  const startedAt = deps.now?.() ?? new Date();
  const ids = { integrationId: integration.integrationId, shopDomain: integration.shopDomain };
  const logIds = { ...ids, resource: deps.resource.name };
  const shopify = await openShop(integration, deps);
  const counts = async () => {
    const [shopifyCount, storedActive] = await Promise.all([
      countShopifyRecords(shopify, deps.resource.reconcile),
      deps.inventory.countActive(integration.integrationId),
    ]);
    return { shopifyCount, storedActive };
  };

  let knownCount: number | undefined;
  if (!force) {
    const { shopifyCount, storedActive } = await counts();
    knownCount = shopifyCount;
    const due = isReconcileDue({
      shopifyCount,
      storedActive,
      lastReconciledAt: integration.lastReconciledAt,
      lastingMismatch: integration.countMismatch?.[deps.resource.name],
      now: startedAt,
    });
    if (!due) return { outcome: 'skipped', shopifyCount, storedActive };
    deps.logger.info('Reconcile due', { ...logIds, shopifyCount, storedActive });
  }

  const present = new Set<string>();
  const stopped = (reason: string): ReconcileResult => {
    deps.logger.warn('Reconcile stopped before the id listing finished; nothing concluded', {
      ...logIds,
      idsListed: present.size,
      reason,
    });
    return { outcome: 'incomplete', idsListed: present.size, reason };
  };
  const { bulk } = deps;
  const bulkIds = deps.resource.bulk?.idsQuery;
  const inBulk =
    bulk !== undefined &&
    bulkIds !== undefined &&
    (knownCount ?? (await countShopifyRecords(shopify, deps.resource.reconcile))) > bulk.threshold;
  const listing = inBulk
    ? shopifyRecordIdsInBulk(shopify, { gidType: deps.resource.gidType, idsQuery: bulkIds }, bulk.results, {
        deadline,
        ...(bulk.pollDelayMs !== undefined && {
          firstPollDelayMs: bulk.pollDelayMs,
          maxPollDelayMs: bulk.pollDelayMs,
        }),
      })
    : shopifyRecordIds(shopify, deps.resource, deps.listingLimit);
  try {
    for await (const page of listing) {
      for (const id of page) present.add(id);
      if (Date.now() >= deadline) return stopped('deadline');
      await heartbeat();
    }
  } catch (error) {
    if (error instanceof IncompleteListingError) return stopped(error.message);
    throw error;
  }

  const cutoff = new Date(startedAt.getTime() - deps.overlapMinutes * 60_000).toISOString();
  const deletedAt = startedAt.toISOString();
  const markedInactive: string[] = [];
  const candidates: string[] = [];
  const keyOf = new Map<string, string>();
  for await (const page of deps.inventory.activeUpdatedBefore(integration.integrationId, cutoff)) {
    for (const stored of page) {
      if (present.has(stored.shopifyId)) continue;
      candidates.push(stored.shopifyId);
      keyOf.set(stored.shopifyId, stored.organizationId);
    }
  }
  await heartbeat();
  for (const shopifyId of await recordsAbsentFromShopify(shopify, deps.resource.gidType, candidates)) {
    const outcome = await deps.writes.markDeleted(
      { organizationId: keyOf.get(shopifyId)!, shopifyId, ...ids },
      deletedAt,
      'reconciled',
    );
    if (outcome === 'written') markedInactive.push(shopifyId);
  }

  // Listed by Shopify, unknown to the mirror: fetched by id and written like a sync page.
  const unknown = new Set(present);
  for await (const page of deps.inventory.allKeys(integration.integrationId)) {
    for (const stored of page) unknown.delete(stored.shopifyId);
  }
  await heartbeat();
  const backfilled: string[] = [];
  const owner = { organizationId: integration.organizationId, ...ids };
  for await (const records of fetchRecordsByIds(shopify, deps.resource, [...unknown], owner)) {
    await deps.writes.upsertMany(records);
    backfilled.push(...records.map((record) => record.shopifyId));
    await heartbeat();
  }

  const after = await counts();
  const mismatch: CountMismatch | undefined =
    after.shopifyCount === after.storedActive
      ? undefined
      : { ...after, since: integration.countMismatch?.[deps.resource.name]?.since ?? deletedAt };
  await deps.records.recordReconcile(integration.integrationId, {
    reconciledAt: deletedAt,
    resource: deps.resource.name,
    countMismatch: mismatch,
  });
  if (mismatch) {
    deps.logger.warn('Counts still differ after a reconcile; next attempt in a day or on a change', {
      ...logIds,
      ...after,
    });
    deps.onLastingMismatch?.(integration, deps.resource.name, mismatch);
  }
  deps.logger.info('Reconcile finished', {
    ...logIds,
    idsListed: present.size,
    candidates: candidates.length,
    markedInactive: markedInactive.length,
    backfilled: backfilled.length,
  });
  return {
    outcome: 'reconciled',
    idsListed: present.size,
    candidates: candidates.length,
    markedInactive,
    backfilled,
    ...(mismatch && { mismatch }),
  };
};
