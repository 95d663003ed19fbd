/**
 * Deletion reconcile. Webhooks miss deletes (a dropped delivery, a subscription Shopify removed,
 * an outage longer than its 4-hour retry window) and an incremental sync cannot see a deleted
 * record: it is simply absent. So after a sync we compare Shopify's count with ours and, on a
 * mismatch or at least daily, compare the id sets and mark what Shopify no longer has. Each
 * resource is reconciled the same way, with its definition's count query and id listing.
 *
 * Safety rules, because a reconciled delete is permanent (Shopify never reuses ids and a deleted
 * customer is never reactivated):
 * - Nothing is marked unless the id listing ran to its end.
 * - Only customers whose stored `shopifyUpdatedAt` is older than the reconcile start minus the
 *   overlap are candidates: the `id:>` slices go through Shopify's search index, which lags
 *   writes by seconds, so a customer created just now may be missing from the listing.
 */
import type { RecordWrites } from '../resources/record-writes.js';
import type { Integration } from '../integrations/integration.js';
import { type OpenShopDeps, openShop } from '../integrations/open-shop.js';
import type { RecordInventory, IntegrationLifecycleRecords } from '../integrations/ports.js';
import { countShopifyRecords, shopifyRecordIds } from '../integrations/shop-admin.js';
import type { ResourceDefinition } from '../resources/resource-definition.js';
import type { Logger } from '../logger.js';

export const RECONCILE_AT_LEAST_EVERY_MS = 24 * 60 * 60 * 1000;

export interface ReconcileDeps extends OpenShopDeps {
  /** The resource: its GraphQL type and its count query and id listing. */
  readonly resource: Pick<ResourceDefinition<unknown>, 'name' | 'gidType' | 'reconcile'>;
  readonly inventory: RecordInventory;
  readonly writes: Pick<RecordWrites, 'markDeleted'>;
  readonly records: Pick<IntegrationLifecycleRecords, 'recordReconcile'>;
  readonly logger: Logger;
  /** SYNC_OVERLAP_MINUTES: how far back from the start a stored change is considered too recent. */
  readonly overlapMinutes: number;
  readonly now?: () => Date;
}

export interface ReconcileOptions {
  /** Skip the count comparison and the daily rule: always compare the id sets. */
  readonly force?: boolean;
  /** Epoch ms after which the id listing gives up (nothing is marked then). */
  readonly deadline?: number;
}

export type ReconcileResult =
  | { readonly outcome: 'skipped'; readonly shopifyCount: number; readonly storedActive: number }
  | { readonly outcome: 'incomplete'; readonly idsListed: number }
  | {
      readonly outcome: 'reconciled';
      readonly idsListed: number;
      readonly candidates: number;
      readonly markedInactive: readonly string[];
    };

export const isReconcileDue = (input: {
  readonly shopifyCount: number;
  readonly storedActive: number;
  readonly lastReconciledAt: string | undefined;
  readonly now: Date;
}): boolean =>
  input.shopifyCount !== input.storedActive ||
  input.lastReconciledAt === undefined ||
  input.now.getTime() - Date.parse(input.lastReconciledAt) >= RECONCILE_AT_LEAST_EVERY_MS;

export const runDeletionReconcile = async (
  integration: Integration,
  deps: ReconcileDeps,
  { force = false, deadline = Number.POSITIVE_INFINITY }: ReconcileOptions = {},
): Promise<ReconcileResult> => {
  const startedAt = deps.now?.() ?? new Date();
  const ids = { integrationId: integration.integrationId, shopDomain: integration.shopDomain };
  const shopify = await openShop(integration, deps);

  if (!force) {
    const [shopifyCount, storedActive] = await Promise.all([
      countShopifyRecords(shopify, deps.resource.reconcile),
      deps.inventory.countActive(integration.integrationId),
    ]);
    const due = isReconcileDue({
      shopifyCount,
      storedActive,
      lastReconciledAt: integration.lastReconciledAt,
      now: startedAt,
    });
    if (!due) return { outcome: 'skipped', shopifyCount, storedActive };
    deps.logger.info('Deletion reconcile due', { ...ids, shopifyCount, storedActive });
  }

  const present = new Set<string>();
  for await (const page of shopifyRecordIds(shopify, deps.resource)) {
    for (const id of page) present.add(id);
    if (Date.now() >= deadline) {
      deps.logger.warn('Deletion reconcile stopped before the id listing finished; nothing marked', {
        ...ids,
        idsListed: present.size,
      });
      return { outcome: 'incomplete', idsListed: present.size };
    }
  }

  const cutoff = new Date(startedAt.getTime() - deps.overlapMinutes * 60_000).toISOString();
  const deletedAt = startedAt.toISOString();
  const markedInactive: string[] = [];
  let candidates = 0;
  for await (const page of deps.inventory.activeUpdatedBefore(integration.integrationId, cutoff)) {
    candidates += page.length;
    for (const stored of page) {
      if (present.has(stored.shopifyId)) continue;
      const outcome = await deps.writes.markDeleted(
        { organizationId: stored.organizationId, shopifyId: stored.shopifyId, ...ids },
        deletedAt,
        'reconciled',
      );
      if (outcome === 'written') markedInactive.push(stored.shopifyId);
    }
  }
  await deps.records.recordReconcile(integration.integrationId, deletedAt);
  deps.logger.info('Deletion reconcile finished', {
    ...ids,
    idsListed: present.size,
    candidates,
    markedInactive: markedInactive.length,
  });
  return { outcome: 'reconciled', idsListed: present.size, candidates, markedInactive };
};
