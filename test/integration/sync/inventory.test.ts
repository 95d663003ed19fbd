import { describe, expect, it } from 'vitest';
import { createGrantedScopesStore } from '../../../lambdas/adapters/dynamodb/granted-scopes-store.js';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import {
  type ReconcileDeps,
  runDeletionReconcile,
} from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import type { AnyResourceDefinition } from '../../../lambdas/resources/registry.js';
import { syncedResource } from '../../../lambdas/core/sync/resource-loop.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { inventoryItemsResource } from '../../../lambdas/resources/inventory-items/index.js';
import type { InventoryItemRecord } from '../../../lambdas/resources/inventory-items/record.js';
import { inventoryItemsBulkQuery } from '../../../lambdas/resources/inventory-items/shopify/documents.js';
import { inventoryLevelsResource } from '../../../lambdas/resources/inventory-levels/index.js';
import type { InventoryLevelRecord } from '../../../lambdas/resources/inventory-levels/record.js';
import {
  inventoryLevelKeysBulkQuery,
  inventoryLevelsBulkQuery,
} from '../../../lambdas/resources/inventory-levels/shopify/documents.js';
import { createReconcileListingStore } from '../../../lambdas/adapters/dynamodb/reconcile-listing-store.js';
import { createJsonlReader } from '../../../lambdas/adapters/shopify/jsonl-lines.js';
import { locationsResource } from '../../../lambdas/resources/locations/index.js';
import type { LocationRecord } from '../../../lambdas/resources/locations/record.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { allSimulatedScopes } from '../../../local/shopify-simulator/shop.js';
import { applyDelivery } from '../../support/apply-delivery.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, expectedMirror, syncHarness, useSimulator, webhookOracle } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };
const receipts = {
  get tableName() {
    return tables.names.Idempotency;
  },
};

const stores = () => ({
  locations: createRecordStore<LocationRecord>(tables.doc, tables.names.Locations, { receipts }),
  items: createRecordStore<InventoryItemRecord>(tables.doc, tables.names.InventoryItems, { receipts }),
  levels: createRecordStore<InventoryLevelRecord>(tables.doc, tables.names.InventoryLevels, {
    receipts,
    reusedKeys: inventoryLevelsResource.reusedKeys,
  }),
});

const inventoryResources = () => {
  const s = stores();
  return [
    syncedResource(locationsResource, s.locations),
    syncedResource(inventoryItemsResource, s.items),
    syncedResource(inventoryLevelsResource, s.levels),
  ];
};

const byKey = <T extends { shopifyId?: unknown }>(items: T[]) =>
  [...items].sort((a, b) => (String(a.shopifyId) < String(b.shopifyId) ? -1 : 1));

const stored = async (table: 'Locations' | 'InventoryItems' | 'InventoryLevels', organizationId: string) =>
  byKey(await organizationItems(tables.doc, tables.names[table], organizationId));
const active = async (table: 'Locations' | 'InventoryItems' | 'InventoryLevels', organizationId: string) =>
  (await stored(table, organizationId)).filter((item) => item['status'] === 'ACTIVE');

const expectedLocations = (shop: SimulatedShop, integration: Integration) =>
  byKey(
    expectedMirror(
      locationsResource as AnyResourceDefinition,
      shop.resources.inventory
        .locations()
        .map((location) => shop.resources.inventory.locationPayload(location)),
      integration,
    ),
  );

const expectedItems = (shop: SimulatedShop, integration: Integration) =>
  byKey(
    expectedMirror(
      inventoryItemsResource as AnyResourceDefinition,
      shop.resources.inventory.items().map((item) => shop.resources.inventory.itemPayload(item)),
      integration,
    ),
  );

/** What `inventory_levels/update` stores for each level, with every named quantity of the store. */
const expectedLevels = (shop: SimulatedShop, integration: Integration) =>
  byKey(
    shop.resources.inventory.levels().map((level) => ({
      ...webhookOracle(
        inventoryLevelsResource as AnyResourceDefinition,
        shop.resources.inventory.levelPayload(level),
        integration,
      ),
      quantities: level.quantities,
      quantitiesAt: new Date(level.updatedAt).toISOString(),
      status: 'ACTIVE',
    })),
  );

const inventoryTopics = [
  'LOCATIONS_CREATE',
  'LOCATIONS_UPDATE',
  'LOCATIONS_DELETE',
  'LOCATIONS_ACTIVATE',
  'LOCATIONS_DEACTIVATE',
  'INVENTORY_ITEMS_CREATE',
  'INVENTORY_ITEMS_UPDATE',
  'INVENTORY_ITEMS_DELETE',
  'INVENTORY_LEVELS_CONNECT',
  'INVENTORY_LEVELS_UPDATE',
  'INVENTORY_LEVELS_DISCONNECT',
];

const syncOnce = async (integration: Integration, options: Parameters<typeof harness.worker>[1] = {}) => {
  const queue = new CapturingQueue();
  // `manual`: a schedule would wait out the minimum interval after the first run.
  await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
  await harness.drain(harness.worker(queue, { ...options, extra: inventoryResources() }), queue);
  const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
  return run!;
};

const reconcileDeps = (
  resource: AnyResourceDefinition,
  table: 'Locations' | 'InventoryItems' | 'InventoryLevels',
): ReconcileDeps => ({
  cipher: { encrypt: async (t: string) => t, decrypt: async (t: string) => t.replace(/^enc:/, '') },
  shopify: (shopDomain, accessToken) =>
    new ShopifyAdminClient({
      shopDomain,
      accessToken,
      apiVersion: SHOPIFY_API_VERSION,
      urlTemplate: simulator().adminUrlTemplate,
    }),
  resource,
  inventory: createRecordQueryStore(tables.doc, tables.names[table]),
  writes: { Locations: stores().locations, InventoryItems: stores().items, InventoryLevels: stores().levels }[
    table
  ],
  records: createIntegrationLifecycleStore(tables.doc, tables.names.Integrations),
  logger: silentLogger,
  overlapMinutes: 0,
  now: () => new Date(Date.now() + 60 * 60_000),
});

describe('locations and inventory', () => {
  it('mirrors both locations, every inventory item and every level exactly as their webhooks would, each level with every named quantity', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory.myshopify.com',
      seedCustomers: 2,
      seedInventory: { locations: 2, items: 6 },
      plan: fastPlan,
    });
    const run = await syncOnce(integration);

    expect(await stored('Locations', integration.organizationId)).toEqual(
      expectedLocations(shop, integration),
    );
    expect(await stored('InventoryItems', integration.organizationId)).toEqual(
      expectedItems(shop, integration),
    );
    const levels = await stored('InventoryLevels', integration.organizationId);
    expect(levels).toEqual(expectedLevels(shop, integration));
    expect(levels).toHaveLength(12);
    expect(levels[0]).toMatchObject({
      shopifyId: `${String(levels[0]!['inventoryItemId'])}:${String(levels[0]!['locationId'])}`,
      quantities: {
        on_hand: expect.any(Number),
        committed: expect.any(Number),
        incoming: expect.any(Number),
      },
    });
    expect(run.resources).toMatchObject({
      locations: { status: 'completed', seen: 2, written: 2 },
      'inventory-items': { status: 'completed', seen: 6, written: 6 },
      // A page node is a location with its levels: what is seen is counted in levels, as the
      // progress line's total (items × locations) is.
      'inventory-levels': { status: 'completed', seen: 12, written: 12 },
    });
    expect(shop.deprecationsUsed()).toEqual([]);
  }, 120_000);

  it('webhooks for the same changes store what the sync reads, and the next sync adds the quantities a level update does not carry', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-webhooks.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 2, items: 4 },
      plan: fastPlan,
    });
    await syncOnce(integration);
    shop.setDelivery({ capture: true });
    for (const topic of inventoryTopics)
      shop.addWebhookSubscription(topic, 'https://hooks.example.test/shopify', 'JSON', SHOPIFY_API_VERSION);

    const s = stores();
    const topics = createTopicRegistry({
      ...resourceTopics(locationsResource, s.locations),
      ...resourceTopics(inventoryItemsResource, s.items),
      ...resourceTopics(inventoryLevelsResource, s.levels),
    });
    const [first, second, third] = shop.resources.inventory.items();
    const [main, downtown] = shop.resources.inventory.locations();
    const popUp = shop.resources.inventory.createLocation({ name: 'Pop-up', countryCode: 'CA' });
    shop.resources.inventory.updateLocation(downtown!.id, { name: 'Downtown flagship' });
    shop.resources.inventory.updateItem(first!.id, { costCents: 1250, sku: 'TEE-RED-M' });
    for (let sale = 0; sale < 3; sale += 1)
      shop.resources.inventory.changeLevel(first!.id, main!.id, { availableDelta: -1, committedDelta: 1 });
    const created = shop.resources.inventory.createItem({ sku: 'NEW-1' });
    shop.resources.inventory.disconnectLevel(second!.id, downtown!.id);
    shop.resources.inventory.deleteItem(third!.id);
    shop.resources.inventory.setLocationActive(popUp.id, false);

    const deliveries = shop.takeDeliveries();
    expect(new Set(deliveries.map((d) => d.topic))).toEqual(
      new Set(
        inventoryTopics.filter((t) => t !== 'LOCATIONS_DELETE' && t !== 'LOCATIONS_ACTIVATE').map(restTopic),
      ),
    );
    for (const delivery of deliveries) {
      const answer = await applyDelivery(topics, integration, { topic: delivery.topic, body: delivery.body });
      expect(answer.outcome, `${delivery.topic} ${delivery.body}`).toBe('written');
    }

    // Locations and items: every field the sync reads comes with their webhooks.
    expect(await active('Locations', integration.organizationId)).toEqual(
      expectedLocations(shop, integration),
    );
    expect(await active('InventoryItems', integration.organizationId)).toEqual(
      expectedItems(shop, integration),
    );
    const org = integration.organizationId;
    expect((await stored('InventoryItems', org)).find((i) => i['shopifyId'] === third!.id)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
    });
    // Levels: identity, gid, `available` and the update time as the sync would have them; the
    // other quantities are the last sync's, marked by an older `quantitiesAt`.
    const webhookLevels = await active('InventoryLevels', org);
    const fromSync = expectedLevels(shop, integration);
    expect(webhookLevels.map((level) => level['shopifyId'])).toEqual(
      fromSync.map((level) => level.shopifyId),
    );
    const carried = [
      'shopifyId',
      'shopifyGid',
      'inventoryItemId',
      'locationId',
      'available',
      'shopifyUpdatedAt',
    ];
    const pick = (level: Record<string, unknown>) =>
      Object.fromEntries(carried.map((key) => [key, level[key]]));
    expect(webhookLevels.map(pick)).toEqual(fromSync.map(pick));
    const sold = webhookLevels.find((level) => level['shopifyId'] === `${first!.id}:${main!.id}`)!;
    expect(sold['quantitiesAt']! < sold['shopifyUpdatedAt']!).toBe(true);
    expect(webhookLevels.find((level) => level['inventoryItemId'] === created.id)).not.toHaveProperty(
      'quantities',
    );
    const levels = await stored('InventoryLevels', org);
    expect(levels.find((level) => level['shopifyId'] === `${second!.id}:${downtown!.id}`)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
    });

    // The next sync lists the levels updated since its watermark and completes them.
    const next = await syncOnce(integration);
    expect(next.resources).toMatchObject({ 'inventory-levels': { status: 'completed' } });
    expect(await active('InventoryLevels', org)).toEqual(fromSync);
    expect(await active('Locations', org)).toEqual(expectedLocations(shop, integration));
    expect(await active('InventoryItems', org)).toEqual(expectedItems(shop, integration));
  }, 120_000);

  it('a level disconnected and connected again is ACTIVE, whichever of the two webhooks arrives first; its late disconnect changes nothing', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-reconnect.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 2, items: 2 },
      plan: fastPlan,
    });
    await syncOnce(integration);
    shop.setDelivery({ capture: true });
    for (const topic of inventoryTopics)
      shop.addWebhookSubscription(topic, 'https://hooks.example.test/shopify', 'JSON', SHOPIFY_API_VERSION);
    const topics = createTopicRegistry(resourceTopics(inventoryLevelsResource, stores().levels));
    const inventory = shop.resources.inventory;
    const [main] = inventory.locations();
    for (const [item, order] of inventory
      .items()
      .map((it, n) => [it, n === 0 ? 'in order' : 'reversed'] as const)) {
      inventory.disconnectLevel(item.id, main!.id);
      // When the disconnect happened on Shopify's clock: after the level's last update.
      const disconnectedAt = new Date(shop.stamp()).toISOString();
      inventory.connectLevel(item.id, main!.id);
      const [disconnect, connect] = shop.takeDeliveries();
      const apply = (delivery: typeof disconnect) =>
        applyDelivery(topics, integration, {
          topic: delivery!.topic,
          body: delivery!.body,
          ...(delivery === disconnect && { triggeredAt: disconnectedAt }),
        });
      if (order === 'in order') {
        expect((await apply(disconnect)).outcome).toBe('written');
        expect((await apply(connect)).outcome).toBe('written');
      } else {
        expect((await apply(connect)).outcome).toBe('written');
        expect((await apply(disconnect)).outcome, 'a late disconnect of the earlier level').toBe('stale');
      }
    }
    expect(await active('InventoryLevels', integration.organizationId)).toEqual(
      expect.arrayContaining(
        inventory
          .items()
          .map((item) => expect.objectContaining({ shopifyId: `${item.id}:${main!.id}`, available: 0 })),
      ),
    );
    expect(
      (await stored('InventoryLevels', integration.organizationId)).every((l) => l['status'] === 'ACTIVE'),
    ).toBe(true);
  }, 120_000);

  it('a large store syncs by bulk operation to the same records as pages: items and levels in bulk, locations in pages', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-bulk.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 3, items: 14 },
      plan: fastPlan,
    });
    const run = await syncOnce(integration, { bulk: true, config: { bulkThreshold: 5 } });
    const org = integration.organizationId;
    expect(await stored('Locations', org)).toEqual(expectedLocations(shop, integration));
    expect(await stored('InventoryItems', org)).toEqual(expectedItems(shop, integration));
    expect(await stored('InventoryLevels', org)).toEqual(expectedLevels(shop, integration));
    expect(run.resources).toMatchObject({
      'inventory-items': { status: 'completed', written: 14 },
      'inventory-levels': { status: 'completed', written: 42 },
    });
    const queries = shop.bulk.all().map((op) => op.query);
    expect(queries).toEqual(expect.arrayContaining([inventoryItemsBulkQuery, inventoryLevelsBulkQuery]));
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(
      named('InventoryItemsPage') + named('InventoryLevelsPage') + named('LocationInventoryLevels'),
    ).toBe(0);
    expect(named('LocationsPage')).toBeGreaterThan(0);
  }, 120_000);

  it('finds a location and an inventory item deleted without a webhook', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-reconcile.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 3, items: 5 },
      plan: fastPlan,
    });
    await syncOnce(integration);
    const [, , closed] = shop.resources.inventory.locations();
    const [, gone] = shop.resources.inventory.items();
    shop.resources.inventory.deleteLocation(closed!.id, { webhook: false });
    shop.resources.inventory.deleteItem(gone!.id, { webhook: false });

    const locations = await runDeletionReconcile(integration, reconcileDeps(locationsResource, 'Locations'), {
      force: true,
    });
    expect(locations).toMatchObject({ outcome: 'reconciled', idsListed: 2, markedInactive: [closed!.id] });
    const items = await runDeletionReconcile(
      integration,
      reconcileDeps(inventoryItemsResource, 'InventoryItems'),
      { force: true },
    );
    expect(items).toMatchObject({ outcome: 'reconciled', idsListed: 4, markedInactive: [gone!.id] });
    expect(
      (await stored('Locations', integration.organizationId)).find((l) => l['shopifyId'] === closed!.id),
    ).toMatchObject({ status: 'INACTIVE', deleteReason: 'reconciled' });
  }, 120_000);

  const levelsReconcile = (integration: Integration, bulk?: ReconcileDeps['bulk']) =>
    runDeletionReconcile(
      integration,
      {
        ...reconcileDeps(inventoryLevelsResource, 'InventoryLevels'),
        ...(bulk && { bulk }),
      },
      { force: true },
    );

  it('finds a level disconnected without a webhook, and the levels of an item deleted without one; every other level stays ACTIVE', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-level-reconcile.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 3, items: 5 },
      plan: fastPlan,
    });
    const inventory = shop.resources.inventory;
    await syncOnce(integration);
    const [, , closed] = inventory.locations();
    const [first, gone] = inventory.items();
    inventory.disconnectLevel(first!.id, closed!.id, { webhook: false });
    inventory.deleteItem(gone!.id, { webhook: false });
    const removed = [
      `${first!.id}:${closed!.id}`,
      ...inventory.locations().map((l) => `${gone!.id}:${l.id}`),
    ];

    const result = await levelsReconcile(integration);
    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 11, candidates: 4 });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(removed.sort());
    const levels = await stored('InventoryLevels', integration.organizationId);
    expect(levels.filter((l) => l['status'] !== 'ACTIVE').map((l) => l['shopifyId'])).toEqual(removed.sort());
    expect(levels.filter((l) => removed.includes(String(l['shopifyId'])))).toEqual(
      removed.map(() => expect.objectContaining({ status: 'INACTIVE', deleteReason: 'reconciled' })),
    );
    // Every level Shopify still has is ACTIVE, as the sync left it.
    expect(await active('InventoryLevels', integration.organizationId)).toEqual(
      expectedLevels(shop, integration),
    );
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(named('InventoryLevelKeysPage')).toBe(1);
    expect(named('InventoryLevelKeysByItem')).toBe(1);
  }, 120_000);

  it('a large store lists level keys by bulk operation, with the same conclusion; an item stocked past its first page of locations is listed whole', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'inventory-level-reconcile-bulk.myshopify.com',
      seedCustomers: 1,
      seedInventory: { locations: 27, items: 8 },
      plan: fastPlan,
    });
    const inventory = shop.resources.inventory;
    await syncOnce(integration);
    const locations = inventory.locations();
    const [first, gone] = inventory.items();
    inventory.disconnectLevel(first!.id, locations[26]!.id, { webhook: false });
    inventory.deleteItem(gone!.id, { webhook: false });
    const removed = [
      `${first!.id}:${locations[26]!.id}`,
      ...locations.map((l) => `${gone!.id}:${l.id}`),
    ].sort();
    const bulk = {
      results: createJsonlReader(),
      threshold: 5,
      pollDelayMs: 5,
      listings: createReconcileListingStore(tables.doc, tables.names.SyncRuns),
    };
    const result = await levelsReconcile(integration, bulk);
    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 7 * 27 - 1 });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(removed);
    expect(shop.bulk.all().map((op) => op.query)).toContain(inventoryLevelKeysBulkQuery);
    expect(await active('InventoryLevels', integration.organizationId)).toEqual(
      expectedLevels(shop, integration),
    );

    // Paged, the same: the item with 26 levels has its last one on a page of its own.
    const relisted = await levelsReconcile(integration);
    expect(relisted).toMatchObject({ outcome: 'reconciled', idsListed: 7 * 27 - 1, markedInactive: [] });
    expect(
      shop.requests().filter((r) => r.operationName === 'InventoryItemLevelKeys').length,
    ).toBeGreaterThan(0);
  }, 180_000);

  it('a store without read_inventory shows inventory items and levels as needing attention while its locations and customers sync', async () => {
    const { integration } = await harness.connect({
      shopDomain: 'inventory-scopes.myshopify.com',
      seedCustomers: 3,
      seedInventory: { locations: 2, items: 3 },
      grantedScopes: allSimulatedScopes.filter((scope) => scope !== 'read_inventory'),
      plan: fastPlan,
    });
    const run = await syncOnce(integration, {
      scopes: {
        store: createGrantedScopesStore(tables.doc, tables.names.Integrations),
        resources: ['customers', 'locations', 'inventory-items', 'inventory-levels'],
        options: { fullHistory: false },
      },
    });
    expect(run.resources).toMatchObject({
      customers: { status: 'completed', written: 3 },
      locations: { status: 'completed', written: 2 },
      'inventory-items': {
        status: 'needs-attention',
        attentionReason: 'MISSING_SCOPE',
        missingScopes: ['read_inventory'],
      },
      'inventory-levels': {
        status: 'needs-attention',
        attentionReason: 'MISSING_SCOPE',
        missingScopes: ['read_inventory'],
      },
    });
    expect(await stored('InventoryItems', integration.organizationId)).toEqual([]);
    expect(await stored('InventoryLevels', integration.organizationId)).toEqual([]);
    expect(await stored('Locations', integration.organizationId)).toHaveLength(2);
  }, 120_000);
});

/** `INVENTORY_LEVELS_UPDATE` → `inventory_levels/update`, as the delivery's topic header says. */
function restTopic(topic: string): string {
  const [head, ...rest] = topic.toLowerCase().split('_');
  const resource = topic.startsWith('INVENTORY_') ? `${head}_${rest.shift()}` : head;
  return `${resource}/${rest.join('_')}`;
}
