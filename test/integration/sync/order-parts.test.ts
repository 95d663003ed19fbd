/**
 * Fulfillments and refunds on the order record: the sync (paged and bulk) stores what the
 * orders/* webhooks would, with every line of every part, and the part topics
 * (fulfillments/create|update, refunds/create) converge with the order's own topics whatever
 * their order and however often they come.
 */
import { describe, expect, it } from 'vitest';
import { applyDelivery } from '../../support/apply-delivery.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import type { OrderRecord } from '../../../lambdas/resources/orders/record.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { toJsonText } from '../../../local/shopify-simulator/json-text.js';
import { orderPayload } from '../../../local/shopify-simulator/resources/orders.js';
import { fulfillmentPayload, refundPayload } from '../../../local/shopify-simulator/resources/order-parts.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { organizationItems, useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, expectedMirror, syncHarness, useSimulator } from './harness.js';

const tables = useTestTables();
const simulator = useSimulator();
const harness = syncHarness(tables, simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };

const storedOrders = async (organizationId: string) =>
  (await organizationItems(tables.doc, tables.names.Orders, organizationId)) as unknown as (OrderRecord & {
    status: string;
  })[];

const expectedOrders = (shop: SimulatedShop, integration: Integration) =>
  expectedMirror(
    ordersResource,
    shop.resources.orders.list().map((order) => orderPayload(order, shop)),
    integration,
  );

/** A shop whose orders have parts longer than the page's first pages of them. */
const withLongParts = (shop: SimulatedShop) => {
  const order = shop.resources.orders.create({ lineItems: 40 });
  shop.resources.orders.update(order.id, { fulfill: { lines: 30 } });
  shop.resources.orders.update(order.id, { refund: { lines: 12, note: 'damaged' } });
  return shop.resources.orders.update(order.id, { refund: { lines: 1 } });
};

const expectLongParts = (stored: OrderRecord[], orderId: string) => {
  const order = stored.find((each) => each.shopifyId === orderId)!;
  expect(order.fulfillments).toHaveLength(1);
  expect(order.fulfillments[0]!.lineItems).toHaveLength(30);
  expect(order.fulfillments[0]!.trackingInfo).toHaveLength(1);
  expect(order.refunds.map((refund) => refund.lineItems.length)).toEqual([12, 1]);
  expect(order.refunds[0]).toMatchObject({
    note: 'damaged',
    transactions: [{ kind: 'REFUND', status: 'SUCCESS' }],
  });
  expect(order.refunds[0]!.totalRefunded).toEqual(order.refunds[0]!.transactions[0]!.amount);
};

describe('fulfillments and refunds on the order record', () => {
  it('a paged sync stores every fulfillment and refund with all their lines, as the orders/* webhooks would', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'parts-paged.myshopify.com',
      seedCustomers: 3,
      seedOrders: 12,
      plan: fastPlan,
    });
    const long = withLongParts(shop);
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue, { withOrders: true }), queue);

    const stored = await storedOrders(integration.organizationId);
    expect(stored).toEqual(expectedOrders(shop, integration));
    expectLongParts(stored, long.id);
    // Seeded: the 320-line order shipped whole (its fulfillment paged past the first 5 lines).
    expect(stored.some((order) => order.fulfillments[0]?.lineItems.length === 320)).toBe(true);
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(named('FulfillmentLineItems')).toBeGreaterThanOrEqual(2);
    expect(named('RefundLineItems')).toBeGreaterThanOrEqual(1);
    expect(shop.deprecationsUsed()).toEqual([]);
  }, 120_000);

  it('a bulk sync stores the same records (nested part lines gathered under their order), no part paged', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'parts-bulk.myshopify.com',
      seedCustomers: 3,
      seedOrders: 12,
      plan: fastPlan,
    });
    const long = withLongParts(shop);
    const queue = new CapturingQueue();
    const worker = harness.worker(queue, { withOrders: true, bulk: true, config: { bulkThreshold: 5 } });
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(worker, queue);

    const stored = await storedOrders(integration.organizationId);
    // The same oracle as the paged test: bulk and paged give identical records.
    expect(stored).toEqual(expectedOrders(shop, integration));
    expectLongParts(stored, long.id);
    const named = (name: string) => shop.requests().filter((r) => r.operationName === name).length;
    expect(named('OrdersPage')).toBe(0);
    expect(named('FulfillmentLineItems') + named('RefundLineItems') + named('RefundTransactions')).toBe(0);
    expect(shop.bulk.all()).toHaveLength(1);
    expect(shop.deprecationsUsed()).toEqual([]);
  }, 120_000);

  it('part topics merge into the order; duplicates and out-of-order deliveries converge with orders/updated', async () => {
    const { shop, integration } = await harness.connect({ shopDomain: 'parts-webhooks.myshopify.com' });
    const topics = createTopicRegistry(resourceTopics(ordersResource, harness.stores().orders));
    const handle = (topic: string, body: string) => applyDelivery(topics, integration, { topic, body });
    const stored = async () => (await storedOrders(integration.organizationId))[0]!;

    const created = shop.resources.orders.create({ lineItems: 3 });
    // A part of an order not mirrored yet waits for the order's own topic or the sync.
    const early = shop.resources.orders.update(created.id, { refund: { lines: 1 } });
    const earlyRefund = toJsonText(refundPayload(early.refunds![0]!, created.id, shop));
    expect(await handle('refunds/create', earlyRefund)).toMatchObject({
      outcome: 'ignored',
      reason: 'record-not-mirrored',
    });
    expect(await storedOrders(integration.organizationId)).toEqual([]);
    expect(await handle('orders/create', orderPayload(created, shop))).toMatchObject({ outcome: 'written' });

    // The refund arrives before its orders/updated: merged into the stored order, twice is once.
    expect(await handle('refunds/create', earlyRefund)).toMatchObject({ outcome: 'written' });
    expect(await handle('refunds/create', earlyRefund)).toMatchObject({
      outcome: 'stale',
      reason: 'part-already-stored',
    });
    const withRefund = await stored();
    expect(withRefund.refunds.map((refund) => refund.id)).toEqual([early.refunds![0]!.id]);
    // The order's own fields are untouched (still the orders/create snapshot and its time).
    expect(withRefund.shopifyUpdatedAt).toBe(new Date(created.updatedAt).toISOString());
    expect(withRefund.financialStatus).toBe('PAID');

    // Shipped, then re-tracked: the newer fulfillment wins whatever the order of the bodies.
    const shipped = shop.resources.orders.update(created.id, { fulfill: { trackingNumber: 'FIRST' } });
    const fulfillment = shipped.fulfillments![0]!;
    const createdBody = toJsonText(fulfillmentPayload(fulfillment, created.id, shop));
    const retracked = shop.resources.orders.update(created.id, {
      updateFulfillment: { id: fulfillment.id, trackingNumber: 'SECOND' },
    });
    const updatedBody = toJsonText(fulfillmentPayload(retracked.fulfillments![0]!, created.id, shop));
    expect(await handle('fulfillments/update', updatedBody)).toMatchObject({ outcome: 'written' });
    expect(await handle('fulfillments/create', createdBody)).toMatchObject({
      outcome: 'stale',
      reason: 'part-already-stored',
    });
    expect(await handle('fulfillments/update', updatedBody)).toMatchObject({ outcome: 'stale' });
    expect((await stored()).fulfillments[0]!.trackingInfo.map((t) => t.number)).toEqual(['SECOND']);

    // The order's own updates, late and reordered: the newest snapshot holds every part, and an
    // older one never replaces it.
    expect(await handle('orders/updated', orderPayload(retracked, shop))).toMatchObject({
      outcome: 'written',
    });
    expect(await handle('orders/updated', orderPayload(shipped, shop))).toMatchObject({ outcome: 'stale' });
    expect(await handle('orders/updated', orderPayload(early, shop))).toMatchObject({ outcome: 'stale' });
    expect(await handle('refunds/create', earlyRefund)).toMatchObject({ outcome: 'stale' });
    expect(await handle('fulfillments/create', createdBody)).toMatchObject({ outcome: 'stale' });
    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));
  });

  it('a late orders/updated older than a merged part lands its own fields and keeps the part', async () => {
    const { shop, integration } = await harness.connect({ shopDomain: 'parts-late-order.myshopify.com' });
    const topics = createTopicRegistry(resourceTopics(ordersResource, harness.stores().orders));
    const handle = (topic: string, body: string) => applyDelivery(topics, integration, { topic, body });
    const stored = async () => (await storedOrders(integration.organizationId))[0]!;

    const created = shop.resources.orders.create({ lineItems: 2 });
    await handle('orders/create', orderPayload(created, shop));
    const noted = shop.resources.orders.update(created.id, { note: 'gift wrap' });
    const shipped = shop.resources.orders.update(created.id, { fulfill: { trackingNumber: 'T1' } });
    const refunded = shop.resources.orders.update(created.id, { refund: { lines: 1 } });
    const fulfillment = shipped.fulfillments![0]!;
    // The part topics first, then the note's orders/updated, a day late: newer than the stored
    // snapshot, older than both parts.
    const parts = [
      ['fulfillments/create', toJsonText(fulfillmentPayload(fulfillment, created.id, shop))],
      ['refunds/create', toJsonText(refundPayload(refunded.refunds![0]!, created.id, shop))],
    ] as const;
    for (const [topic, body] of parts)
      expect(await handle(topic, body)).toMatchObject({ outcome: 'written' });
    const partsStored = await stored();
    expect(await handle('orders/updated', orderPayload(noted, shop))).toMatchObject({ outcome: 'written' });

    const late = await stored();
    expect(late.note).toBe('gift wrap');
    expect(late.shopifyUpdatedAt).toBe(new Date(noted.updatedAt).toISOString());
    expect(late.fulfillments).toEqual(partsStored.fulfillments);
    expect(late.refunds).toEqual(partsStored.refunds);
    expect(late.fulfillments.map((each) => each.trackingInfo[0]?.number)).toEqual(['T1']);
    // The newest orders/updated then brings the whole order, as the sync would store it.
    await handle('orders/updated', orderPayload(refunded, shop));
    expect(await storedOrders(integration.organizationId)).toEqual(expectedOrders(shop, integration));
  });

  it("a part names its order by id only: another store's order of that id is never touched", async () => {
    const a = await harness.connect({ shopDomain: 'parts-tenant-a.myshopify.com' });
    const b = await harness.connect({ shopDomain: 'parts-tenant-b.myshopify.com' });
    const topics = createTopicRegistry(resourceTopics(ordersResource, harness.stores().orders));
    const order = a.shop.resources.orders.create({ lineItems: 2 });
    await applyDelivery(topics, a.integration, { topic: 'orders/create', body: orderPayload(order, a.shop) });
    const refunded = a.shop.resources.orders.update(order.id, { refund: {} });
    const body = toJsonText(refundPayload(refunded.refunds![0]!, order.id, a.shop));

    // Store B's signed body naming store A's order id: B has no such order, nothing is written.
    expect(await applyDelivery(topics, b.integration, { topic: 'refunds/create', body })).toMatchObject({
      outcome: 'ignored',
      reason: 'record-not-mirrored',
    });
    expect((await storedOrders(a.integration.organizationId))[0]!.refunds).toEqual([]);
  });
});
