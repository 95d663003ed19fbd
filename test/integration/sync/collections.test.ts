import { describe, expect, it } from 'vitest';
import { createGrantedScopesStore } from '../../../lambdas/adapters/dynamodb/granted-scopes-store.js';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { runDeletionReconcile } from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import { syncedResource } from '../../../lambdas/core/sync/resource-loop.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { collectionsResource } from '../../../lambdas/resources/collections/index.js';
import type { CollectionRecord } from '../../../lambdas/resources/collections/record.js';
import { collectionsBulkQuery } from '../../../lambdas/resources/collections/shopify/documents.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { allSimulatedScopes } from '../../../local/shopify-simulator/shop.js';
import { applyDelivery } from '../../support/apply-delivery.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, syncHarness, useSimulator, webhookOracle } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };
const receipts = {
  get tableName() {
    return tables.names.Idempotency;
  },
};

const collectionStore = () =>
  createRecordStore<CollectionRecord>(tables.doc, tables.names.Collections, { receipts });

const stored = async (organizationId: string) =>
  [...(await organizationItems(tables.doc, tables.names.Collections, organizationId))].sort((a, b) =>
    String(a['shopifyId']) < String(b['shopifyId']) ? -1 : 1,
  );
const active = async (organizationId: string) =>
  (await stored(organizationId)).filter((item) => item['status'] === 'ACTIVE');

/** What an exact mirror holds: each collection as its webhook stores it, with its members now. */
const expectedCollections = (shop: SimulatedShop, integration: Integration) =>
  shop.resources.collections
    .list()
    .map((collection) => {
      const productIds = shop.resources.collections.memberIds(collection);
      return {
        ...webhookOracle(collectionsResource, shop.resources.collections.payload(collection), integration),
        productIds,
        productsCount: productIds.length,
        status: 'ACTIVE',
      };
    })
    .sort((a, b) => (a.shopifyId < b.shopifyId ? -1 : 1));

const syncOnce = async (integration: Integration, options: Parameters<typeof harness.worker>[1] = {}) => {
  const queue = new CapturingQueue();
  await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
  await harness.drain(
    harness.worker(queue, { ...options, extra: [syncedResource(collectionsResource, collectionStore())] }),
    queue,
  );
  const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
  return run!;
};

const topics = ['COLLECTIONS_CREATE', 'COLLECTIONS_UPDATE', 'COLLECTIONS_DELETE'];

describe('collections', () => {
  it('mirrors every collection with all its members, a large one paged past its first 50', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'collections.myshopify.com',
      seedCustomers: 1,
      seedProducts: 80,
      seedCollections: 4,
      plan: fastPlan,
    });
    const everything = shop.resources.collections.create({
      title: 'Everything',
      productIds: shop.resources.products.list().map((product) => product.id),
    });
    const run = await syncOnce(integration);

    const mirror = await stored(integration.organizationId);
    expect(mirror).toEqual(expectedCollections(shop, integration));
    expect(mirror.find((item) => item['shopifyId'] === everything.id)?.['productIds']).toHaveLength(80);
    // Both kinds of membership have members to compare.
    expect(mirror.every((item) => (item['productIds'] as string[]).length > 0)).toBe(true);
    expect(run.resources).toMatchObject({ collections: { status: 'completed', seen: 5, written: 5 } });
    expect(shop.requests().filter((r) => r.operationName === 'CollectionProducts').length).toBeGreaterThan(0);
    expect(shop.deprecationsUsed()).toEqual([]);
  }, 120_000);

  it('webhooks store what the sync reads; members that moved without a collection webhook are exact after the next sync', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'collections-webhooks.myshopify.com',
      seedCustomers: 1,
      seedProducts: 12,
      seedCollections: 4,
      plan: fastPlan,
    });
    await syncOnce(integration);
    shop.setDelivery({ capture: true });
    for (const topic of topics)
      shop.addWebhookSubscription(topic, 'https://hooks.example.test/shopify', 'JSON', SHOPIFY_API_VERSION);
    const registry = createTopicRegistry(resourceTopics(collectionsResource, collectionStore()));
    const [picked, tagged, gone] = shop.resources.collections.list();
    const [first] = shop.resources.products.list();
    const org = integration.organizationId;
    const before = await stored(org);

    shop.resources.collections.update(picked!.id, { title: 'Picked, renamed' });
    shop.resources.collections.update(tagged!.id, { sortOrder: 'ALPHA_ASC' });
    const created = shop.resources.collections.create({ title: 'New', productIds: [first!.id] });
    shop.resources.collections.delete(gone!.id);
    const deliveries = shop.takeDeliveries();
    expect(deliveries.map((d) => d.topic).sort()).toEqual(
      ['collections/create', 'collections/delete', 'collections/update', 'collections/update'].sort(),
    );
    for (const delivery of deliveries) {
      const answer = await applyDelivery(registry, integration, {
        topic: delivery.topic,
        body: delivery.body,
      });
      expect(answer.outcome, `${delivery.topic} ${delivery.body}`).toBe('written');
    }
    const afterWebhooks = await stored(org);
    const expected = expectedCollections(shop, integration);
    const withoutMembers = ({ productIds: _ids, productsCount: _count, ...rest }: Record<string, unknown>) =>
      rest;
    expect(afterWebhooks.filter((i) => i['status'] === 'ACTIVE').map(withoutMembers)).toEqual(
      expected.map(withoutMembers),
    );
    // The webhook carried no members: the renamed collection keeps the ones the sync read, the
    // new one has none until the sync reads them.
    const renamed = afterWebhooks.find((i) => i['shopifyId'] === picked!.id)!;
    expect(renamed['productIds']).toEqual(before.find((i) => i['shopifyId'] === picked!.id)!['productIds']);
    expect(afterWebhooks.find((i) => i['shopifyId'] === created.id)).not.toHaveProperty('productIds');
    expect(afterWebhooks.find((i) => i['shopifyId'] === gone!.id)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
    });

    // Members move with no collection webhook: a product added from its own page, and a product
    // tagged into the tagged collection.
    const pickedIds = shop.resources.collections.memberIds(picked!);
    const outsider = shop.resources.products
      .list()
      .find((p) => !pickedIds.includes(p.id) && !p.tags.includes('summer'))!;
    shop.resources.collections.setMembersQuietly(picked!.id, [...pickedIds, outsider.id]);
    shop.resources.products.update(outsider.id, { tags: ['summer'] });
    expect(shop.takeDeliveries().map((d) => d.topic)).not.toContain('collections/update');

    const next = await syncOnce(integration);
    expect(next.resources).toMatchObject({ collections: { status: 'completed' } });
    expect(await active(org)).toEqual(expectedCollections(shop, integration));
    const members = (await active(org)).find((i) => i['shopifyId'] === tagged!.id)!['productIds'];
    expect(members).toContain(outsider.id);
    expect((await active(org)).find((i) => i['shopifyId'] === picked!.id)!['productIds']).toContain(
      outsider.id,
    );
  }, 120_000);

  it('a store above the bulk threshold syncs collections by bulk operation to the same records as pages', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'collections-bulk.myshopify.com',
      seedCustomers: 1,
      seedProducts: 30,
      seedCollections: 7,
      plan: fastPlan,
    });
    await syncOnce(integration, { bulk: true, config: { bulkThreshold: 5 } });
    expect(await stored(integration.organizationId)).toEqual(expectedCollections(shop, integration));
    expect(shop.bulk.all().map((op) => op.query)).toContain(collectionsBulkQuery);
    expect(shop.requests().filter((r) => r.operationName === 'CollectionsPage')).toHaveLength(0);
  }, 120_000);

  it('finds a collection deleted without a webhook', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'collections-reconcile.myshopify.com',
      seedCustomers: 1,
      seedProducts: 6,
      seedCollections: 3,
      plan: fastPlan,
    });
    await syncOnce(integration);
    const [, gone] = shop.resources.collections.list();
    shop.resources.collections.deleteQuietly(gone!.id);
    const outcome = await runDeletionReconcile(
      integration,
      {
        cipher: { encrypt: async (t: string) => t, decrypt: async (t: string) => t.replace(/^enc:/, '') },
        shopify: (shopDomain, accessToken) =>
          new ShopifyAdminClient({
            shopDomain,
            accessToken,
            apiVersion: SHOPIFY_API_VERSION,
            urlTemplate: simulator().adminUrlTemplate,
          }),
        resource: collectionsResource,
        inventory: createRecordQueryStore(tables.doc, tables.names.Collections),
        writes: collectionStore(),
        records: createIntegrationLifecycleStore(tables.doc, tables.names.Integrations),
        logger: silentLogger,
        overlapMinutes: 0,
        now: () => new Date(Date.now() + 60 * 60_000),
      },
      { force: true },
    );
    expect(outcome).toMatchObject({ outcome: 'reconciled', idsListed: 2, markedInactive: [gone!.id] });
    expect((await stored(integration.organizationId)).find((c) => c['shopifyId'] === gone!.id)).toMatchObject(
      {
        status: 'INACTIVE',
        deleteReason: 'reconciled',
      },
    );
  }, 120_000);

  it('a store without read_products shows collections as needing attention while its customers sync', async () => {
    const { integration } = await harness.connect({
      shopDomain: 'collections-scopes.myshopify.com',
      seedCustomers: 3,
      seedProducts: 4,
      seedCollections: 2,
      grantedScopes: allSimulatedScopes.filter((scope) => scope !== 'read_products'),
      plan: fastPlan,
    });
    const run = await syncOnce(integration, {
      scopes: {
        store: createGrantedScopesStore(tables.doc, tables.names.Integrations),
        resources: ['customers', 'collections'],
        options: { fullHistory: false },
      },
    });
    expect(run.resources).toMatchObject({
      customers: { status: 'completed', written: 3 },
      collections: {
        status: 'needs-attention',
        attentionReason: 'MISSING_SCOPE',
        missingScopes: ['read_products'],
      },
    });
    expect(await stored(integration.organizationId)).toEqual([]);
  }, 120_000);
});
