/**
 * Reconcile100k (issue 10): the deletion reconcile of a 100,000-customer store by bulk operation,
 * killed mid-file once and run again. The full-size version of "a bulk listing killed mid-file
 * resumes from its line offset" in test/integration/lifecycle/compliance-and-reconcile.test.ts:
 * the mirror is written directly from the simulator's customers (the record store's upsertMany),
 * N customers are deleted in the store without webhooks, and the first reconcile is killed where
 * the test kills it (a throw from the listing store's addIds, after some batches were stored).
 *
 * Runs in this process (the simulator too), so the peak RSS is the whole bench process's.
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createIntegrationLifecycleStore } from '../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { meterCapacity } from '../../lambdas/adapters/dynamodb/capacity-meter.js';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.js';
import { createReconcileListingStore } from '../../lambdas/adapters/dynamodb/reconcile-listing-store.js';
import { createRecordQueryStore } from '../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import { createJsonlReader } from '../../lambdas/adapters/shopify/jsonl-lines.js';
import type { CustomerRecord } from '../../lambdas/resources/customers/record.js';
import { toRecord } from '../../lambdas/resources/kit/mirrored-record.js';
import type { TokenCipher } from '../../lambdas/core/integrations/ports.js';
import { silentLogger } from '../../lambdas/core/logger.js';
import { LISTING_BATCH_IDS } from '../../lambdas/core/reconcile/bulk-id-listing.js';
import { type ReconcileDeps, runDeletionReconcile } from '../../lambdas/core/reconcile/deletion-reconcile.js';
import { customersResource } from '../../lambdas/resources/customers/index.js';
import { createBenchTables, localDynamoClient, progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import { newShop, type SyncBenchContext, warmUpDynamoDb } from './sync-figures.js';

/** The bench stores the token as is: the cipher is not what is measured. */
const plainCipher: TokenCipher = { encrypt: async (text) => text, decrypt: async (text) => text };

export async function reconcile100k(context: SyncBenchContext): Promise<Figure> {
  const customers = context.quick ? 5_000 : 100_000;
  const deletedCount = 25;
  const threshold = 1_000;
  // The kill: the listing store fails on this batch, after half the file's batches were stored.
  const killOnBatch = Math.floor(customers / LISTING_BATCH_IDS / 2);

  await warmUpDynamoDb(context);
  const tables = await createBenchTables(context.dynamoEndpoint, 'r');
  try {
    const { doc, names } = tables;
    const seeding = performance.now();
    const { shop, job } = newShop(context, customers);
    const all = shop.resources.customers.list();
    const seedMs = performance.now() - seeding;
    const organizationId = `org-${randomUUID()}`;
    const integrationId = `int-${randomUUID()}`;
    const owner = { organizationId, integrationId, shopDomain: job.shopDomain };
    const integrations = createIntegrationStore(doc, names.Integrations);
    const at = new Date().toISOString();
    await integrations.put({
      integrationId,
      organizationId,
      shopDomain: job.shopDomain,
      status: 'ACTIVE',
      encryptedAccessToken: job.accessToken,
      createdAt: at,
      updatedAt: at,
    });

    // The mirror, as an initial sync leaves it: every customer ACTIVE, written by upsertMany.
    progress(
      `Reconcile100k: ${customers} customers seeded in ${fixed(seedMs / 1000, 1)} s; writing the mirror`,
    );
    const store = createRecordStore<CustomerRecord>(doc, names.Customers);
    const mirroring = performance.now();
    for (let from = 0; from < all.length; from += 1000) {
      const records = all.slice(from, from + 1000).map((c) =>
        toRecord<CustomerRecord>(
          'Customer',
          {
            shopifyId: c.id,
            firstName: c.firstName,
            lastName: c.lastName,
            email: c.email,
            phone: c.phone,
            state: 'ENABLED',
            verifiedEmail: c.verifiedEmail,
            taxExempt: c.taxExempt,
            taxExemptions: [...c.taxExemptions],
            note: c.note,
            defaultAddress: null,
            createdAt: new Date(c.createdAt).toISOString(),
            shopifyUpdatedAt: new Date(c.updatedAt).toISOString(),
          },
          owner,
        ),
      );
      await store.upsertMany(records, { concurrency: 16 });
    }
    const mirrorMs = performance.now() - mirroring;

    // N customers deleted in the store; their webhooks never arrive.
    const step = Math.floor(all.length / deletedCount);
    const deleted = Array.from({ length: deletedCount }, (_, n) => all[n * step + 7]!.id);
    for (const id of deleted) shop.resources.customers.delete(id);
    shop.takeDeliveries();

    // The listing's own client, metered: what the reconcile's scratch store costs in DynamoDB.
    const listingClient = localDynamoClient(context.dynamoEndpoint);
    const listingMeter = meterCapacity(listingClient);
    const listings = createReconcileListingStore(createDocumentClient(listingClient), names.SyncRuns);
    const inventory = createRecordQueryStore(doc, names.Customers);
    // After the store has been quiet for longer than the overlap (its clock may run ahead).
    const storeClock = all.reduce((latest, c) => Math.max(latest, c.updatedAt), Date.now());
    const killedAt = new Date(storeClock + 10 * 60_000);
    const deps = (store: typeof listings, now: Date): ReconcileDeps => ({
      cipher: plainCipher,
      shopify: (domain, token) =>
        new ShopifyAdminClient({
          shopDomain: domain,
          accessToken: token,
          apiVersion: SHOPIFY_API_VERSION,
          urlTemplate: context.simulator.adminUrlTemplate,
        }),
      resource: customersResource,
      inventory,
      writes: createRecordStore<CustomerRecord>(doc, names.Customers),
      records: createIntegrationLifecycleStore(doc, names.Integrations),
      logger: silentLogger,
      overlapMinutes: 0,
      now: () => now,
      bulk: { results: createJsonlReader(), threshold, pollDelayMs: 20, listings: store },
    });
    const integration = async () => (await integrations.get(integrationId))!;

    progress(`Reconcile100k: reconcile by bulk operation, killed on listing batch ${killOnBatch + 1}`);
    const started = performance.now();
    const operationsBefore = shop.bulk.all().length;
    let batchesBeforeKill = 0;
    const killing: typeof listings = {
      ...listings,
      addIds: async (...args) => {
        if (batchesBeforeKill === killOnBatch) throw new Error('worker killed');
        batchesBeforeKill += 1;
        return listings.addIds(...args);
      },
    };
    let killed = false;
    try {
      await runDeletionReconcile(await integration(), deps(killing, killedAt), { force: true });
    } catch (error) {
      killed = error instanceof Error && error.message === 'worker killed';
      if (!killed) throw error;
    }
    const killedMs = performance.now() - started;
    const saved = await listings.checkpoint(integrationId, 'customers');
    const savedLine = saved?.line ?? 0;

    progress(`Reconcile100k: killed at line ${savedLine}; reconcile again`);
    let linesAfter = 0;
    const counting: typeof listings = {
      ...listings,
      addIds: async (...args) => {
        linesAfter += args[3].length;
        return listings.addIds(...args);
      },
    };
    const resumedStarted = performance.now();
    const result = await runDeletionReconcile(
      await integration(),
      deps(counting, new Date(killedAt.getTime() + 10 * 60_000)),
    );
    const resumedMs = performance.now() - resumedStarted;
    const wallMs = performance.now() - started;
    const operations = shop.bulk.all().length - operationsBefore;

    // The mirror after: exactly the deleted customers INACTIVE, every other ACTIVE.
    const counts = await inventory.countByStatus(integrationId);
    const deletedStatuses = await Promise.all(
      deleted.map(async (shopifyId) => (await store.get(organizationId, shopifyId))?.status),
    );
    const marked = result.outcome === 'reconciled' ? [...result.markedInactive].sort() : [];
    const exact =
      result.outcome === 'reconciled' &&
      JSON.stringify(marked) === JSON.stringify([...deleted].sort()) &&
      result.backfilled.length === 0 &&
      deletedStatuses.every((s) => s === 'INACTIVE') &&
      counts.ACTIVE === customers - deletedCount &&
      counts.INACTIVE === deletedCount;
    const resumed =
      killed && operations === 1 && savedLine > 0 && linesAfter === customers - deletedCount - savedLine;
    // Both invocations together are one reconcile; the read of the cleared checkpoint below is not.
    const listingUsage = { ...listingMeter.total() };
    const cleared = (await listings.checkpoint(integrationId, 'customers')) === undefined;
    listingClient.destroy();
    const { Count: chunkItems = 0 } = await doc.send(
      new QueryCommand({
        TableName: names.SyncRuns,
        KeyConditionExpression: 'integrationId = :id AND begins_with(runId, :chunks)',
        ExpressionAttributeValues: { ':id': integrationId, ':chunks': 'reconcile#customers#' },
        Select: 'COUNT',
      }),
    );
    // One PutRequest (1 write unit: ~70 bytes) per listed id before the ids were chunked, issue 22.
    const perIdWrites = customers - deletedCount;
    const maxRssKiB = process.resourceUsage().maxRSS;

    return {
      id: 'Reconcile100k',
      title: `deletion reconcile of a ${customers}-customer store by bulk operation, killed mid-file once`,
      measured:
        `${fixed(wallMs / 1000, 1)} s wall (killed run ${fixed(killedMs / 1000, 1)} s, resumed run ${fixed(resumedMs / 1000, 1)} s); ` +
        `${operations} bulk operation; lines read ${savedLine} before the kill, ${linesAfter} after (from line ${savedLine}); ` +
        `${marked.length} marked INACTIVE of ${deletedCount} deleted, mirror ACTIVE ${counts.ACTIVE} / INACTIVE ${counts.INACTIVE}; ` +
        `listing writes per reconcile: ${chunkItems} id chunks, ${listingUsage.requests} requests with the checkpoints, ${fixed(listingUsage.writeUnits, 0)} write units, ` +
        `${fixed(listingUsage.readUnits, 0)} read units (an item per id wrote ${perIdWrites} items, ${perIdWrites} write units)` +
        `${cleared ? '' : ', checkpoint NOT cleared'}; bench process peak RSS ${fixed(maxRssKiB / 1024, 0)} MiB ` +
        `(setup: seed ${fixed(seedMs / 1000, 1)} s, mirror write ${fixed(mirrorMs / 1000, 1)} s)`,
      baseline: `an item per listed id: ${perIdWrites} writes`,
      target:
        `one bulk operation, resumed from the saved line > 0; exactly the ${deletedCount} deleted INACTIVE, every other ACTIVE; ` +
        `one chunk item per ${LISTING_BATCH_IDS} ids (≤ ids / 900)`,
      pass: exact && resumed && cleared && chunkItems > 0 && chunkItems <= perIdWrites / 900,
      data: {
        customers,
        deletedCount,
        threshold,
        killOnBatch,
        killed,
        savedLine,
        linesAfter,
        operations,
        outcome: result.outcome,
        idsListed: result.outcome === 'reconciled' ? result.idsListed : undefined,
        counts,
        deletedStatuses,
        wallMs,
        killedMs,
        resumedMs,
        seedMs,
        mirrorMs,
        maxRssKiB,
        listingUsage,
        chunkItems,
        perIdWrites,
      },
    };
  } finally {
    await tables.drop();
  }
}
