import { applyDelivery } from '../../support/apply-delivery.js';
import { describe, expect, it } from 'vitest';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { orderDeletePayload, orderPayload } from '../../../local/shopify-simulator/resources/orders.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import type { OrderRecord } from '../../../lambdas/resources/orders/record.js';
import type { RecordWriter } from '../../../lambdas/resources/kit/definition.js';
import { ordersBulkQuery } from '../../../lambdas/resources/orders/shopify/documents.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, expectedMirror, syncHarness, useSimulator } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };

const storedOrders = (organizationId: string) =>
  organizationItems(tables.doc, tables.names.Orders, organizationId);

const expectedOrders = (shop: SimulatedShop, integration: Integration) =>
  expectedMirror(
    ordersResource,
    shop.resources.orders.list().map((order) => orderPayload(order, shop)),
    integration,
  );

describe('orders', () => {
  it('mirrors every order exactly as its webhook would, a 320-line order included, then incrementally', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'orders-sync.myshopify.com',
      seedCustomers: 20,
      seedOrders: 25,
      plan: fastPlan,
    });
    expect(shop.resources.orders.list()[0]!.lines).toHaveLength(320);
    const queue = new CapturingQueue();
    const worker = harness.worker(queue, { withOrders: true });
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(worker, queue);

    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run).toMatchObject({
      status: 'succeeded',
      resources: {
        customers: { status: 'completed', seen: 20, written: 20 },
        orders: { status: 'completed', seen: 25, written: 25 },
      },
    });
    // The big order's line items came in pages of their own (cost counted in the run).
    expect(shop.requests().filter((r) => r.operationName === 'OrderLineItems').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(shop.deprecationsUsed()).toEqual([]);

    const [first, second] = shop.resources.orders.list();
    shop.resources.orders.update(first!.id, { cancel: true, note: 'changed mind' });
    shop.resources.orders.update(second!.id, { fulfillmentStatus: 'PARTIALLY_FULFILLED', tags: ['b', 'a'] });
    shop.resources.orders.create({ lineItems: 2 });
    await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
    await harness.drain(worker, queue);
    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));
    const [incremental] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    // Incremental: the three changes, plus whatever the 5-minute overlap re-reads, not the store.
    const orders = incremental!.resources!['orders']!;
    expect(orders.written).toBeGreaterThanOrEqual(3);
    expect(orders.seen).toBeLessThan(shop.resources.orders.list().length);
  }, 120_000);

  it("mirrors a large store's orders by bulk operation, each with all its line items (500 on one)", async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'orders-bulk.myshopify.com',
      seedCustomers: 5,
      seedOrders: 30,
      plan: fastPlan,
    });
    const big = shop.resources.orders.create({
      customerId: shop.resources.customers.list()[0]!.id,
      lineItems: 500,
    });
    const queue = new CapturingQueue();
    const worker = harness.worker(queue, { withOrders: true, bulk: true, config: { bulkThreshold: 10 } });
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(worker, queue);

    const stored = await storedOrders(integration.organizationId);
    expect(stored).toEqual(expectedOrders(shop, integration));
    expect((stored.find((order) => order['shopifyId'] === big.id)!['lineItems'] as unknown[]).length).toBe(
      500,
    );
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(named('OrdersPage')).toBe(0);
    expect(named('OrderLineItems')).toBe(0);
    expect(named('CustomersPage')).toBeGreaterThan(0); // 5 customers: below the threshold, paged
    expect(shop.bulk.all().map((op) => op.query)).toEqual([ordersBulkQuery]);
    expect(shop.deprecationsUsed()).toEqual([]);
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run).toMatchObject({ status: 'succeeded', resources: { orders: { seen: 31, written: 31 } } });
  }, 120_000);

  it("a worker killed mid-file resumes at an order's first line: no order split from its line items", async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'orders-bulk-killed.myshopify.com',
      seedCustomers: 2,
      plan: fastPlan,
    });
    // 37-line orders: 500-line batches always end inside one, so a checkpoint at the last line
    // read would resume among an order's line items.
    for (let n = 0; n < 60; n += 1) shop.resources.orders.create({ lineItems: 37 });
    let batches = 0;
    const written: string[] = [];
    const crashOnThirdBatch = (store: RecordWriter<OrderRecord>): RecordWriter<OrderRecord> => ({
      async upsertMany(batch, options) {
        batches += 1;
        if (batches === 3) throw new Error('worker killed');
        written.push(...batch.map((order) => order.shopifyId));
        return store.upsertMany(batch, options);
      },
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    const { outcomes } = await harness.drain(
      harness.worker(queue, {
        withOrders: true,
        bulk: true,
        config: { bulkThreshold: 10 },
        orderWriter: crashOnThirdBatch,
      }),
      queue,
    );

    expect(outcomes.map((o) => o.response.batchItemFailures.length)).toEqual([1, 0]);
    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));
    expect(shop.bulk.all()).toHaveLength(1);
    // Every order written exactly once: the resumed read started at the first unwritten order.
    expect(written).toHaveLength(60);
    expect(new Set(written).size).toBe(60);
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run!.resources!['orders']!.checkpoint.bulk).toMatchObject({ line: 60 * 38, attempts: 1 });
  }, 120_000);

  it('a store that refuses orders keeps syncing customers; orders need attention', async () => {
    const { integration } = await harness.connect({
      shopDomain: 'no-orders-scope.myshopify.com',
      seedCustomers: 5,
      seedOrders: 3,
      plan: fastPlan,
      deniedFields: ['orders'],
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue, { withOrders: true }), queue);

    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run).toMatchObject({
      status: 'succeeded',
      resources: {
        customers: { status: 'completed', written: 5 },
        orders: { status: 'needs-attention', attentionReason: 'ACCESS_DENIED' },
      },
    });
    const after = (await harness.stores().integrations.get(integration.integrationId))!;
    expect(after.status).toBe('ACTIVE');
    expect(after.resourceAttention).toEqual({ orders: 'ACCESS_DENIED' });
    expect(Object.keys(after.syncWatermarks ?? {})).toEqual(['customers']);
    expect(await storedOrders(integration.organizationId)).toEqual([]);
  });

  it('orders/create, orders/updated (reordered, duplicated) and orders/delete converge on the same record', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'orders-webhooks.myshopify.com',
      seedCustomers: 2,
    });
    const topics = createTopicRegistry(resourceTopics(ordersResource, harness.stores().orders));
    const handle = (topic: string, body: string) => applyDelivery(topics, integration, { topic, body });

    const created = shop.resources.orders.create({
      customerId: shop.resources.customers.list()[0]!.id,
      lineItems: 3,
    });
    const createdBody = orderPayload(created, shop);
    const updated = shop.resources.orders.update(created.id, { financialStatus: 'REFUNDED' });
    const updatedBody = orderPayload(updated, shop);

    // The update lands first; the late create is older and does not overwrite it.
    expect(await handle('orders/updated', updatedBody)).toMatchObject({ outcome: 'written' });
    expect(await handle('orders/create', createdBody)).toMatchObject({ outcome: 'stale' });
    expect(await handle('orders/updated', updatedBody)).toMatchObject({ outcome: 'written' }); // same time rewrites
    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));

    // Read API: the customer's orders, by index.
    const queries = createRecordQueryStore(tables.doc, tables.names.Orders);
    const byCustomer = await queries.listRecords({
      organizationId: integration.organizationId,
      lookup: { attribute: 'customerId', value: shop.resources.customers.list()[0]!.id },
      limit: 10,
    });
    expect(byCustomer.items.map((item) => item.shopifyId)).toEqual([created.id]);

    shop.resources.orders.delete(created.id);
    expect(await handle('orders/delete', orderDeletePayload(created))).toMatchObject({ outcome: 'written' });
    expect(await handle('orders/updated', updatedBody)).toMatchObject({ outcome: 'written' });
    const [stored] = await storedOrders(integration.organizationId);
    expect(stored).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
      financialStatus: 'REFUNDED',
    });
  });
});
