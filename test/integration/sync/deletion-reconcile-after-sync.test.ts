import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { runDeletionReconcile } from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, syncHarness, testTokens } from './harness.js';

const tables = useTestTables();
let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());
const harness = syncHarness(tables, () => simulator);

describe('deletion reconcile after a sync', () => {
  it('a completed sync marks exactly the customers deleted while webhooks were dropped', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'reconcile-after-sync.myshopify.com',
      seedCustomers: 30,
      plan: { restoreRate: 10_000, maximumAvailable: 20_000 },
    });
    const reconciled: string[][] = [];
    const leaseHolders: (string | undefined)[] = [];
    const afterSync = async (
      current: Integration,
      { deadline, heartbeat }: { deadline: number; heartbeat: () => Promise<void> },
    ) => {
      // One Shopify consumer per store: the reconcile runs while the sync's lease is held.
      leaseHolders.push(
        await harness.stores().state.leaseHolder(current.integrationId, new Date().toISOString()),
      );
      const result = await runDeletionReconcile(
        current,
        {
          cipher: { ...testTokens, encrypt: async (plain: string) => `enc:${plain}` },
          shopify: (shopDomain, accessToken) =>
            new ShopifyAdminClient({
              shopDomain,
              accessToken,
              apiVersion: SHOPIFY_API_VERSION,
              urlTemplate: simulator.adminUrlTemplate,
            }),
          resource: customersResource,
          inventory: createRecordQueryStore(tables.doc, tables.names.Customers),
          writes: harness.stores().customers,
          records: createIntegrationLifecycleStore(tables.doc, tables.names.Integrations),
          logger: silentLogger,
          overlapMinutes: 0,
        },
        { deadline, heartbeat },
      );
      if (result.outcome === 'reconciled') reconciled.push([...result.markedInactive]);
      return result;
    };
    const queue = new CapturingQueue();
    const worker = harness.worker(queue, { afterSync });
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(worker, queue);
    expect(reconciled).toEqual([[]]); // first reconcile is due (never ran) and finds nothing missing
    const [firstRun] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(leaseHolders).toEqual([firstRun!.runId]);
    // ...and released after it.
    expect(
      await harness.stores().state.leaseHolder(integration.integrationId, new Date().toISOString()),
    ).toBeUndefined();

    // Deleted in Shopify; the webhooks never arrive (nothing is delivered in this test).
    const gone = shop.resources.customers.list().slice(3, 6);
    for (const customer of gone) shop.resources.customers.delete(customer.id);
    await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
    await harness.drain(worker, queue);

    expect(reconciled[1]?.sort()).toEqual(gone.map((c) => c.id).sort());
    const stored = await harness.mirror(integration);
    const inactive = stored.filter((item) => item.status === 'INACTIVE').map((item) => item.shopifyId);
    expect(inactive.sort()).toEqual(gone.map((c) => c.id).sort());
    expect(stored.filter((item) => item.status === 'ACTIVE')).toHaveLength(27);
    expect(stored.find((item) => item.shopifyId === gone[0]!.id)).toMatchObject({
      deleteReason: 'reconciled',
      deletedAt: expect.any(String),
    });
  });
});
