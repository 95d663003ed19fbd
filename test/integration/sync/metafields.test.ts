/**
 * Metafields of customers, orders and products, end to end against the simulator over HTTP and
 * DynamoDB Local: the sync (paged and bulk) and the webhooks (bodies carrying the subscription's
 * `metafieldNamespaces`) store the same metafields, set, changed and deleted through the Admin
 * API's own mutations.
 */
import { randomUUID } from 'node:crypto';
import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { listWebhookSubscriptions } from '../../../lambdas/core/integrations/shop-admin.js';
import {
  ensureWebhookSubscriptions,
  webhookTopicsFor,
} from '../../../lambdas/core/integrations/webhook-subscriptions.js';
import { syncedResource } from '../../../lambdas/core/sync/resource-loop.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import type { MetafieldNamespaces } from '../../../lambdas/resources/kit/metafields.js';
import { configuredResources } from '../../../lambdas/resources/registry.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import {
  metafieldsDeleteMutation,
  metafieldsSetMutation,
} from '../../../local/shopify-simulator/resources/metafields.js';
import { adminSchema } from '../../../local/shopify-simulator/schema.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { applyDelivery } from '../../support/apply-delivery.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, syncHarness, useSimulator } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };
const hooks = 'https://hooks.example.test/shopify';

/** Products read two namespaces (the connection then lists every namespace, the mapping keeps these). */
const namespaces: MetafieldNamespaces = {
  customers: ['custom'],
  orders: ['custom'],
  products: ['custom', 'specs'],
};
const configured = configuredResources(namespaces);
const definition = (name: string) => configured.find((each) => each.name === name)!;
const owners = [
  { name: 'customers', table: 'Customers', gidType: 'Customer' },
  { name: 'orders', table: 'Orders', gidType: 'Order' },
  { name: 'products', table: 'Products', gidType: 'Product' },
] as const;

const connectShop = async (options: Parameters<typeof harness.connect>[0]) => {
  const connected = await harness.connect(options);
  tokens.set(connected.shop.domain, (connected.integration.encryptedAccessToken ?? '').replace(/^enc:/, ''));
  return connected;
};

const syncedOwners = () => {
  const stores = harness.stores();
  return [
    syncedResource(definition('customers'), stores.customers),
    syncedResource(definition('orders'), stores.orders),
    syncedResource(definition('products'), stores.products),
  ];
};

const syncOnce = async (integration: Integration, options: Parameters<typeof harness.worker>[1] = {}) => {
  const queue = new CapturingQueue();
  await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
  await harness.drain(harness.worker(queue, { ...options, resources: syncedOwners() }), queue);
  const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
  return run!;
};

/** A second organization mirroring the same store: what a fresh sync of it stores now. */
const anotherIntegration = async (integration: Integration): Promise<Integration> => {
  const other = {
    ...integration,
    integrationId: `int-${randomUUID().slice(0, 8)}`,
    organizationId: `org-${randomUUID().slice(0, 8)}`,
  };
  await harness.stores().integrations.put(other);
  return other;
};

/** Each owner's id, update time and metafields: what must agree whichever path wrote them. */
interface MirroredOwner {
  readonly shopifyId: unknown;
  readonly shopifyUpdatedAt: unknown;
  readonly metafields: unknown;
}
const mirrored = async (organizationId: string): Promise<Record<string, MirroredOwner[]>> =>
  Object.fromEntries(
    await Promise.all(
      owners.map(async ({ name, table }) => [
        name,
        (await organizationItems(tables.doc, tables.names[table], organizationId))
          .map((item) => ({
            shopifyId: item['shopifyId'],
            shopifyUpdatedAt: item['shopifyUpdatedAt'],
            metafields: item['metafields'],
          }))
          .sort((a, b) => String(a.shopifyId).localeCompare(String(b.shopifyId))),
      ]),
    ),
  );

/** The store's token: the harness keeps it as `enc:<token>`. */
const tokens = new Map<string, string>();
const adminOf = (shop: SimulatedShop) =>
  new ShopifyAdminClient({
    shopDomain: shop.domain,
    accessToken: tokens.get(shop.domain)!,
    apiVersion: SHOPIFY_API_VERSION,
    urlTemplate: simulator().adminUrlTemplate,
  });

const userErrorsFree = z.object({ userErrors: z.array(z.unknown()).length(0) });
const setMetafields = (shop: SimulatedShop, metafields: readonly Record<string, string>[]) =>
  adminOf(shop).query(metafieldsSetMutation, { metafields }, z.object({ metafieldsSet: userErrorsFree }));
const deleteMetafields = (shop: SimulatedShop, metafields: readonly Record<string, string>[]) =>
  adminOf(shop).query(
    metafieldsDeleteMutation,
    { metafields },
    z.object({ metafieldsDelete: userErrorsFree }),
  );

const firstGid = (shop: SimulatedShop, gidType: string, index = 0): string => {
  const kind = {
    Customer: shop.resources.customers,
    Order: shop.resources.orders,
    Product: shop.resources.products,
  }[gidType]!;
  return `gid://shopify/${gidType}/${kind.list()[index]!.id}`;
};

describe('metafields', () => {
  it('the mutations tests and chaos call are valid 2026-10 documents', () => {
    for (const source of [metafieldsSetMutation, metafieldsDeleteMutation]) {
      const errors = validate(adminSchema(SHOPIFY_API_VERSION), parse(source), [
        ...specifiedRules,
        NoDeprecatedCustomRule,
      ]);
      expect(errors.map((e) => e.message)).toEqual([]);
    }
  });

  it('a sync stores the configured namespaces typed, and webhooks of set, change and delete store what a sync reads', async () => {
    const { shop, integration } = await connectShop({
      shopDomain: 'metafields.myshopify.com',
      seedCustomers: 4,
      seedOrders: 3,
      seedProducts: 3,
      seedMetafieldNamespace: 'custom',
      plan: fastPlan,
    });
    const product = firstGid(shop, 'Product');
    const customer = firstGid(shop, 'Customer');
    await setMetafields(shop, [
      { ownerId: product, namespace: 'specs', key: 'weight', type: 'number_decimal', value: '1.250' },
      { ownerId: customer, namespace: 'private', key: 'secret', type: 'single_line_text_field', value: 'x' },
    ]);
    const run = await syncOnce(integration);
    expect(run.resources).toMatchObject({
      customers: { status: 'completed' },
      orders: { status: 'completed' },
      products: { status: 'completed' },
    });

    const first = await mirrored(integration.organizationId);
    const customerRecord = first['customers']!.find(
      (r) => `gid://shopify/Customer/${String(r.shopifyId)}` === customer,
    )!;
    // Typed by Shopify's type; another namespace is not mirrored.
    expect(customerRecord.metafields).toEqual([
      expect.objectContaining({
        namespace: 'custom',
        key: 'details',
        type: 'json',
        value: { level: 1, tags: ['a', 'b'] },
      }),
      expect.objectContaining({ key: 'featured', type: 'boolean', value: true }),
      expect.objectContaining({ key: 'note', type: 'single_line_text_field', value: 'Seeded note 1' }),
      expect.objectContaining({ key: 'rank', type: 'number_integer', value: 10 }),
      expect.objectContaining({ key: 'ratio', type: 'number_decimal', value: '0.125' }),
      expect.objectContaining({ key: 'sizes', type: 'list.single_line_text_field', value: ['S', 'M'] }),
    ]);
    const productRecord = first['products']!.find(
      (r) => `gid://shopify/Product/${String(r.shopifyId)}` === product,
    )!;
    expect(productRecord.metafields).toContainEqual(
      expect.objectContaining({ namespace: 'specs', key: 'weight', value: '1.250' }),
    );
    // An owner without metafields has an empty list, not none: the sync read its namespaces.
    expect(first['customers']!.at(-1)!.metafields).toEqual([]);

    shop.setDelivery({ capture: true });
    for (const topic of ['CUSTOMERS_UPDATE', 'ORDERS_UPDATED', 'PRODUCTS_UPDATE'])
      shop.addWebhookSubscription(topic, hooks, 'JSON', SHOPIFY_API_VERSION, namespacesOfTopic(topic));
    for (const { gidType } of owners) {
      const ownerId = firstGid(shop, gidType);
      await setMetafields(shop, [
        { ownerId, namespace: 'custom', key: 'added', type: 'number_integer', value: '7' },
        { ownerId, namespace: 'custom', key: 'rank', value: '99' },
      ]);
      await deleteMetafields(shop, [{ ownerId, namespace: 'custom', key: 'note' }]);
    }
    const deliveries = shop.takeDeliveries();
    // Setting and deleting metafields bump the owner and send its update topic, as Shopify does.
    expect(deliveries.map((d) => d.topic).sort()).toEqual([
      'customers/update',
      'customers/update',
      'orders/updated',
      'orders/updated',
      'products/update',
      'products/update',
    ]);
    const stores = harness.stores();
    const registry = createTopicRegistry(
      resourceTopics(definition('customers'), stores.customers),
      resourceTopics(definition('orders'), stores.orders),
      resourceTopics(definition('products'), stores.products),
    );
    for (const delivery of deliveries) {
      const answer = await applyDelivery(registry, integration, delivery);
      expect(answer.outcome, delivery.topic).toBe('written');
    }
    const afterWebhooks = await mirrored(integration.organizationId);
    for (const { name, gidType } of owners) {
      const id = firstGid(shop, gidType).split('/').at(-1);
      const record = afterWebhooks[name]!.find((r) => r.shopifyId === id)!;
      const keys = (record.metafields as { key: string; value: unknown }[]).map((m) => [m.key, m.value]);
      expect(keys, name).toContainEqual(['added', 7]);
      expect(keys, name).toContainEqual(['rank', 99]);
      expect(
        keys.map(([key]) => key),
        name,
      ).not.toContain('note');
    }

    // The webhooks' mirror is the one a fresh sync of the store builds.
    const fresh = await anotherIntegration(integration);
    await syncOnce(fresh);
    expect(await mirrored(fresh.organizationId)).toEqual(afterWebhooks);
  }, 180_000);

  it('a bulk sync stores the same metafields as pages, an owner with more than a page of them whole', async () => {
    const { shop, integration } = await connectShop({
      shopDomain: 'metafields-bulk.myshopify.com',
      seedCustomers: 6,
      seedOrders: 4,
      seedProducts: 5,
      seedMetafieldNamespace: 'custom',
      plan: fastPlan,
    });
    const crowded = firstGid(shop, 'Product', 1);
    const many = Array.from({ length: 14 }, (_, n) => ({
      ownerId: crowded,
      namespace: n % 2 === 0 ? 'custom' : 'specs',
      key: `k${String(n).padStart(2, '0')}`,
      type: 'single_line_text_field',
      value: `v${n}`,
    }));
    await setMetafields(shop, many);
    await setMetafields(shop, [
      {
        ownerId: firstGid(shop, 'Customer', 2),
        namespace: 'custom',
        key: 'many',
        type: 'list.number_decimal',
        value: '["1.10","2.5"]',
      },
    ]);

    await syncOnce(integration);
    const paged = await mirrored(integration.organizationId);
    const crowdedRecord = paged['products']!.find(
      (r) => `gid://shopify/Product/${String(r.shopifyId)}` === crowded,
    )!;
    expect(crowdedRecord.metafields).toHaveLength(14 + 6);
    expect(shop.requests().some((r) => r.operationName === 'OwnerMetafields')).toBe(true);

    const bulk = await anotherIntegration(integration);
    await syncOnce(bulk, { bulk: true, config: { bulkThreshold: 1 } });
    expect(await mirrored(bulk.organizationId)).toEqual(paged);
    const bulkQueries = shop.bulk.all().map((op) => op.query);
    expect(bulkQueries).toContain(definition('customers').bulk!.query);
    expect(bulkQueries).toContain(definition('products').bulk!.query);
    expect(shop.deprecationsUsed()).toEqual([]);
  }, 180_000);

  it('the health check updates a subscription that names other namespaces, and its bodies then carry them', async () => {
    const { shop } = await connectShop({
      shopDomain: 'metafields-subscriptions.myshopify.com',
      seedCustomers: 1,
      seedProducts: 1,
      seedMetafieldNamespace: 'custom',
      plan: fastPlan,
    });
    const products = [definition('products')];
    shop.addWebhookSubscription('PRODUCTS_UPDATE', hooks, 'JSON', SHOPIFY_API_VERSION, []);
    const topics = webhookTopicsFor(products, configured);
    const health = await ensureWebhookSubscriptions(
      adminOf(shop),
      { uri: hooks, moveFrom: [] },
      'now',
      topics,
    );
    expect(health).toMatchObject({ healthy: true });
    expect(health.repaired).toContain('PRODUCTS_UPDATE:update-namespaces');
    const updates = (await listWebhookSubscriptions(adminOf(shop), ['PRODUCTS_UPDATE'])).filter(
      (s) => s.uri === hooks,
    );
    expect(updates).toHaveLength(1);
    expect([...updates[0]!.metafieldNamespaces!].sort()).toEqual(['custom', 'specs']);
    // Repaired once: the next check changes nothing.
    const again = await ensureWebhookSubscriptions(
      adminOf(shop),
      { uri: hooks, moveFrom: [] },
      'now',
      topics,
    );
    expect(again.repaired).toEqual([]);

    shop.setDelivery({ capture: true });
    shop.resources.products.update(shop.resources.products.list()[0]!.id, { title: 'Renamed' });
    const [delivery] = shop.takeDeliveries().filter((d) => d.topic === 'products/update');
    const body = JSON.parse(delivery!.body) as { metafields?: { namespace: string }[] };
    expect(body.metafields?.map((m) => m.namespace)).toEqual(Array(6).fill('custom'));
  }, 120_000);
});

function namespacesOfTopic(topic: string): readonly string[] {
  const owner = topic.startsWith('CUSTOMERS')
    ? 'customers'
    : topic.startsWith('ORDERS')
      ? 'orders'
      : 'products';
  return namespaces[owner] ?? [];
}
