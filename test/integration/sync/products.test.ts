import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { applyDelivery } from '../../support/apply-delivery.js';
import { describe, expect, it } from 'vitest';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { runDeletionReconcile } from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import { productsResource } from '../../../lambdas/resources/products/index.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import { productPayload } from '../../../local/shopify-simulator/resources/products.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { createJsonlReader } from '../../../lambdas/adapters/shopify/jsonl-lines.js';
import {
  productIdsBulkQuery,
  productsBulkQuery,
} from '../../../lambdas/resources/products/shopify/documents.js';
import { createReconcileListingStore } from '../../../lambdas/adapters/dynamodb/reconcile-listing-store.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, expectedMirror, syncHarness, useSimulator } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };

const storedProducts = (organizationId: string) =>
  organizationItems(tables.doc, tables.names.Products, organizationId);

const expectedProducts = (shop: SimulatedShop, integration: Integration) =>
  expectedMirror(
    productsResource,
    shop.resources.products.list().map((product) => productPayload(product, shop)),
    integration,
  );

describe('products', () => {
  it('mirrors every product with all its variants exactly as its webhook would; webhooks and the reconcile keep it exact', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'products.myshopify.com',
      seedCustomers: 3,
      seedProducts: 12,
      plan: fastPlan,
    });
    expect(shop.resources.products.list()[0]!.variants).toHaveLength(35);
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue, { withOrders: true, withProducts: true }), queue);

    expect(await storedProducts(integration.organizationId)).toEqual(expectedProducts(shop, integration));
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run!.resources!['products']).toMatchObject({ status: 'completed', seen: 12, written: 12 });
    expect(shop.deprecationsUsed()).toEqual([]);

    // Webhooks: an update lands, its older create is stale.
    const topics = createTopicRegistry(resourceTopics(productsResource, harness.stores().products));
    const handle = (topic: string, body: string) => applyDelivery(topics, integration, { topic, body });
    const created = shop.resources.products.create({ title: 'Linen shirt', variants: 3 });
    const createdBody = productPayload(created, shop);
    shop.resources.products.update(created.id, { status: 'ARCHIVED', tags: ['sale'] });
    expect(
      await handle('products/update', productPayload(shop.resources.products.get(created.id)!, shop)),
    ).toMatchObject({
      outcome: 'written',
    });
    expect(await handle('products/create', createdBody)).toMatchObject({ outcome: 'stale' });
    expect(await storedProducts(integration.organizationId)).toEqual(expectedProducts(shop, integration));

    // A delete whose webhook never came: the id-set reconcile finds it.
    const gone = shop.resources.products.list()[4]!;
    shop.resources.products.delete(gone.id);
    const result = await runDeletionReconcile(
      integration,
      {
        cipher: { encrypt: async (t) => t, decrypt: async (t) => t.replace(/^enc:/, '') },
        shopify: (shopDomain, accessToken) =>
          new ShopifyAdminClient({
            shopDomain,
            accessToken,
            apiVersion: SHOPIFY_API_VERSION,
            urlTemplate: simulator().adminUrlTemplate,
          }),
        resource: productsResource,
        inventory: createRecordQueryStore(tables.doc, tables.names.Products),
        writes: harness.stores().products,
        records: createIntegrationLifecycleStore(tables.doc, tables.names.Integrations),
        logger: silentLogger,
        overlapMinutes: 0,
        now: () => new Date(Date.now() + 60 * 60_000),
      },
      { force: true },
    );
    expect(result).toMatchObject({ outcome: 'reconciled', markedInactive: [gone.id] });
    const stored = await storedProducts(integration.organizationId);
    expect(stored.find((item) => item['shopifyId'] === gone.id)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'reconciled',
    });
  }, 120_000);

  it('mirrors a large catalogue by bulk operation, every variant gathered under its product, and reconciles it by bulk', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'products-bulk.myshopify.com',
      seedCustomers: 2,
      seedProducts: 25,
      plan: fastPlan,
    });
    const wide = shop.resources.products.create({ title: 'Every size', variants: 250 });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(
      harness.worker(queue, { withProducts: true, bulk: true, config: { bulkThreshold: 10 } }),
      queue,
    );

    const stored = await storedProducts(integration.organizationId);
    expect(stored).toEqual(expectedProducts(shop, integration));
    expect((stored.find((item) => item['shopifyId'] === wide.id)!['variants'] as unknown[]).length).toBe(250);
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(named('ProductsPage') + named('ProductVariants')).toBe(0);
    expect(shop.bulk.all().map((op) => op.query)).toEqual([productsBulkQuery]);
    expect(shop.deprecationsUsed()).toEqual([]);

    const gone = shop.resources.products.list()[7]!;
    shop.resources.products.delete(gone.id);
    const result = await runDeletionReconcile(
      integration,
      {
        cipher: { encrypt: async (t) => t, decrypt: async (t) => t.replace(/^enc:/, '') },
        shopify: (shopDomain, accessToken) =>
          new ShopifyAdminClient({
            shopDomain,
            accessToken,
            apiVersion: SHOPIFY_API_VERSION,
            urlTemplate: simulator().adminUrlTemplate,
          }),
        resource: productsResource,
        inventory: createRecordQueryStore(tables.doc, tables.names.Products),
        writes: harness.stores().products,
        records: createIntegrationLifecycleStore(tables.doc, tables.names.Integrations),
        logger: silentLogger,
        overlapMinutes: 0,
        now: () => new Date(Date.now() + 60 * 60_000),
        bulk: {
          results: createJsonlReader(),
          threshold: 10,
          pollDelayMs: 5,
          listings: createReconcileListingStore(tables.doc, tables.names.SyncRuns),
        },
      },
      { force: true },
    );
    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 25, markedInactive: [gone.id] });
    expect(shop.bulk.all().map((op) => op.query)).toEqual([productsBulkQuery, productIdsBulkQuery]);
  }, 120_000);
});
