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
import { type CountMismatch, type Integration, reconciledAtOf } from '../integrations/integration.js';
import { type OpenShopDeps, openShop } from '../integrations/open-shop.js';
import type { IntegrationLifecycleRecords, RecordInventory, StoredRecordRef } from '../integrations/ports.js';
import {
  childKeysAbsentFromShopify,
  countShopifyRecords,
  fetchRecordsByIds,
  IncompleteListingError,
  recordsAbsentFromShopify,
  shopifyRecordIds,
} from '../integrations/shop-admin.js';
import { type BulkListingCheckpoint, listIdsInBulk, type ReconcileListingStore } from './bulk-id-listing.js';
import type { Logger } from '../logger.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordWrites } from '../records/record-writes.js';
import { hasIdListing, type ResourceDefinition, type WriteCounts } from '../../resources/kit/definition.js';

export const RECONCILE_AT_LEAST_EVERY_MS = 24 * 60 * 60 * 1000;

export interface ReconcileDeps extends OpenShopDeps {
  /** The resource: its GraphQL type, count query, id listings, and the mapping for a backfill. */
  readonly resource: Pick<
    ResourceDefinition<unknown>,
    'name' | 'gidType' | 'bulk' | 'nodeSchema' | 'toRecord' | 'toRecords' | 'pageCost' | 'reconcile'
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
    /** Where a bulk listing's checkpoint and ids outlive the invocation (resumed next time). */
    readonly listings: ReconcileListingStore;
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
  /**
   * Shopify's count, taken by the run's probe in the same hour (core/sync/sync-probe.ts): the
   * count comparison uses it instead of asking again.
   */
  readonly shopifyCount?: number | undefined;
}

export type ReconcileResult =
  | { readonly outcome: 'skipped'; readonly shopifyCount: number; readonly storedActive: number }
  /** The resource has a count but no id listing: nothing to compare. */
  | { readonly outcome: 'unsupported' }
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
  {
    force = false,
    deadline = Number.POSITIVE_INFINITY,
    heartbeat = async () => {},
    shopifyCount: probedCount,
  }: ReconcileOptions = {},
): Promise<ReconcileResult> => {
  const { reconcile } = deps.resource;
  if (!hasIdListing(reconcile)) return { outcome: 'unsupported' };
  const resource = { ...deps.resource, reconcile };
  const now = deps.now?.() ?? new Date();
  const { integrationId } = integration;
  const ids = { integrationId, shopDomain: integration.shopDomain };
  const { name } = resource;
  const logIds = { ...ids, resource: name };
  const shopify = await openShop(integration, deps);
  const counts = async (known?: number) => {
    const [shopifyCount, storedActive] = await Promise.all([
      known ?? countShopifyRecords(shopify, deps.resource.reconcile),
      deps.inventory.countActive(integrationId),
    ]);
    return { shopifyCount, storedActive };
  };

  const { bulk } = deps;
  const bulkIds = deps.resource.bulk?.idsQuery;
  // A bulk listing an earlier reconcile could not finish goes on, whatever the counts say now.
  const resuming = bulk && bulkIds ? await bulk.listings.checkpoint(integrationId, name) : undefined;
  let knownCount: number | undefined;
  if (!force && !resuming) {
    const { shopifyCount, storedActive } = await counts(probedCount);
    knownCount = shopifyCount;
    const due = isReconcileDue({
      shopifyCount,
      // A count of parents (ChildKeys) says nothing of the records: only the daily rule applies.
      storedActive: reconcile.keys ? shopifyCount : storedActive,
      lastReconciledAt: reconciledAtOf(integration, name),
      lastingMismatch: integration.countMismatch?.[name],
      now,
    });
    if (!due) return { outcome: 'skipped', shopifyCount, storedActive };
    deps.logger.info('Reconcile due', { ...logIds, shopifyCount, storedActive });
  }

  const stopped = (idsListed: number, reason: string): ReconcileResult => {
    deps.logger.warn('Reconcile stopped before the id listing finished; nothing concluded', {
      ...logIds,
      idsListed,
      reason,
    });
    return { outcome: 'incomplete', idsListed, reason };
  };
  const inBulk =
    bulk !== undefined &&
    bulkIds !== undefined &&
    (resuming !== undefined ||
      (knownCount ?? (await countShopifyRecords(shopify, deps.resource.reconcile))) > bulk.threshold);

  // Shopify's ids, ascending in string order (the mirror index's order), readable once per pass.
  let listed: () => AsyncIterable<readonly string[]>;
  let idsListed: number;
  let startedAt = now;
  if (inBulk) {
    let listing: BulkListingCheckpoint;
    try {
      listing = await listIdsInBulk({
        shopify,
        resource: {
          name,
          gidType: deps.resource.gidType,
          idsQuery: bulkIds,
          ...(reconcile.keys && { keys: reconcile.keys }),
        },
        integrationId,
        results: bulk.results,
        store: bulk.listings,
        startedAt: now.toISOString(),
        deadline,
        heartbeat,
        ...(bulk.pollDelayMs !== undefined && {
          firstPollDelayMs: bulk.pollDelayMs,
          maxPollDelayMs: bulk.pollDelayMs,
        }),
      });
    } catch (error) {
      if (error instanceof IncompleteListingError)
        return stopped(idsOfCheckpoint(await bulk.listings.checkpoint(integrationId, name)), error.message);
      throw error;
    }
    // Judged as of the listing's start, which may be an earlier invocation's.
    startedAt = new Date(listing.startedAt);
    idsListed = idsOfCheckpoint(listing);
    listed = () => bulk.listings.ids(integrationId, name, listing.operationId);
  } else {
    // Paged only up to the bulk threshold (or without bulk): a set of that size is small.
    const present = new Set<string>();
    try {
      for await (const page of shopifyRecordIds(shopify, resource, deps.listingLimit)) {
        for (const id of page) present.add(id);
        if (Date.now() >= deadline) return stopped(present.size, 'deadline');
        await heartbeat();
      }
    } catch (error) {
      if (error instanceof IncompleteListingError) return stopped(present.size, error.message);
      throw error;
    }
    const sorted = [...present].sort();
    idsListed = sorted.length;
    listed = async function* () {
      for (let start = 0; start < sorted.length; start += CONCLUDE_BATCH)
        yield sorted.slice(start, start + CONCLUDE_BATCH);
    };
  }

  const cutoff = new Date(startedAt.getTime() - deps.overlapMinutes * 60_000).toISOString();
  const deletedAt = startedAt.toISOString();
  const markedInactive: string[] = [];
  let candidates = 0;
  const judged = notListed(
    deps.inventory.activeUpdatedBefore(integrationId, cutoff),
    (stored) => stored.shopifyId,
    listed(),
  );
  for await (const batch of inBatches(judged, CONCLUDE_BATCH)) {
    candidates += batch.length;
    const organizationOf = new Map(batch.map((stored) => [stored.shopifyId, stored.organizationId]));
    const judgedIds = [...organizationOf.keys()];
    const absent = reconcile.keys
      ? await childKeysAbsentFromShopify(shopify, reconcile.keys, judgedIds)
      : await recordsAbsentFromShopify(shopify, deps.resource.gidType, judgedIds);
    for (const shopifyId of absent) {
      const outcome = await deps.writes.markDeleted(
        { organizationId: organizationOf.get(shopifyId)!, shopifyId, ...ids },
        deletedAt,
        'reconciled',
      );
      if (outcome === 'written') markedInactive.push(shopifyId);
    }
    await heartbeat();
  }

  // Listed by Shopify, unknown to the mirror: fetched by id and written like a sync page.
  const backfilled: string[] = [];
  const owner = { organizationId: integration.organizationId, ...ids };
  const unknown = notListed(listed(), (id) => id, idsOf(deps.inventory.allKeys(integrationId)));
  for await (const batch of inBatches(unknown, CONCLUDE_BATCH)) {
    for await (const records of fetchRecordsByIds(shopify, resource, batch, owner)) {
      await deps.writes.upsertMany(records);
      backfilled.push(...records.map((record) => record.shopifyId));
    }
    await heartbeat();
  }

  const after = await counts();
  const mismatch: CountMismatch | undefined =
    reconcile.keys || after.shopifyCount === after.storedActive
      ? undefined
      : { ...after, since: integration.countMismatch?.[name]?.since ?? deletedAt };
  await deps.records.recordReconcile(integrationId, {
    reconciledAt: deletedAt,
    resource: name,
    countMismatch: mismatch,
  });
  if (inBulk) await bulk.listings.clear(integrationId, name);
  if (mismatch) {
    deps.logger.warn('Counts still differ after a reconcile; next attempt in a day or on a change', {
      ...logIds,
      ...after,
    });
    deps.onLastingMismatch?.(integration, name, mismatch);
  }
  deps.logger.info('Reconcile finished', {
    ...logIds,
    idsListed,
    candidates,
    markedInactive: markedInactive.length,
    backfilled: backfilled.length,
  });
  return {
    outcome: 'reconciled',
    idsListed,
    candidates,
    markedInactive,
    backfilled,
    ...(mismatch && { mismatch }),
  };
};

const idsOfCheckpoint = (checkpoint: BulkListingCheckpoint | undefined): number =>
  checkpoint ? (checkpoint.ids ?? checkpoint.line) : 0;

/** Ids confirmed, deleted or fetched at a time while concluding (Shopify's nodes() takes 250). */
const CONCLUDE_BATCH = 1000;

/**
 * The items whose id is not in `listed`; both come in ascending string order, so one pass over
 * each, a page at a time, finds them.
 */
async function* notListed<T>(
  items: AsyncIterable<readonly T[]>,
  idOf: (item: T) => string,
  listed: AsyncIterable<readonly string[]>,
): AsyncGenerator<T> {
  const ids = flatten(listed)[Symbol.asyncIterator]();
  let next = await ids.next();
  for await (const page of items) {
    for (const item of page) {
      const id = idOf(item);
      while (!next.done && next.value < id) next = await ids.next();
      if (next.done || next.value !== id) yield item;
    }
  }
}

async function* flatten<T>(pages: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

async function* idsOf(pages: AsyncIterable<readonly StoredRecordRef[]>): AsyncGenerator<string[]> {
  for await (const page of pages) yield page.map((stored) => stored.shopifyId);
}

async function* inBatches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
