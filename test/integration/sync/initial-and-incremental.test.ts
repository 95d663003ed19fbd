import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, syncHarness } from './harness.js';

const tables = useTestTables();
let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());
const harness = syncHarness(tables, () => simulator);

/** Fast refill so thousands of customers sync in seconds; pacing itself is tested at Standard limits. */
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };

/** Shopify's timestamps have whole seconds: a change must fall in a later second than the run's start. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('initial and incremental sync', () => {
  it('mirrors 5,000 customers exactly as the webhooks would store them, then picks up exactly the changes', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'big.myshopify.com',
      seedCustomers: 5000,
      plan: fastPlan,
    });
    const queue = new CapturingQueue();
    const worker = harness.worker(queue, { config: { writeConcurrency: 32 } });

    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    const before = Date.now();
    await harness.drain(worker, queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const { runs, integrations } = harness.stores();
    const [run] = (await runs.list(integration.integrationId, { limit: 10 })).items;
    expect(run).toMatchObject({
      trigger: 'initial',
      status: 'succeeded',
      resources: { customers: { status: 'completed', seen: 5000, written: 5000 } },
    });
    expect(run!.resources!['customers']!.pages).toBeLessThanOrEqual(25); // adaptive page size: ~247 per page, not 50
    expect(run!.calls!.shopifyCostUsed).toBeGreaterThan(0);
    const afterInitial = await integrations.get(integration.integrationId);
    // The watermark is the run's start time, not its end.
    expect(afterInitial!.lastSuccessfulSyncAt).toBe(run!.startedAt);
    expect(afterInitial!.syncWatermarks).toEqual({ customers: run!.startedAt });
    expect(Date.parse(afterInitial!.lastSuccessfulSyncAt!)).toBeGreaterThanOrEqual(before - 1000);

    // Mutations after the initial sync: updates, a creation, and one just inside the overlap window.
    const customers = shop.resources.customers.list();
    const updated = [customers[10]!, customers[2000]!, customers[4999]!].map((c) =>
      shop.resources.customers.update(c.id, { note: `changed ${c.id}` }),
    );
    const created = shop.resources.customers.create({ firstName: 'Newcomer', email: 'newcomer@example.com' });

    // A manual incremental sync (the scheduled one would be skipped as recently synced).
    const requests = shop.requests().length;
    const operationsSince = (from: number) =>
      shop
        .requests()
        .slice(from)
        .map((request) => request.operationName);
    await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
    await harness.drain(worker, queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const [incremental] = (await runs.list(integration.integrationId, { limit: 1 })).items;
    expect(incremental).toMatchObject({
      trigger: 'manual',
      status: 'succeeded',
      resources: { customers: { written: 4, pages: 1 } },
    });
    // The query asked only for what changed since the last start minus the 5-minute overlap.
    const from = new Date(Date.parse(afterInitial!.lastSuccessfulSyncAt!) - 5 * 60_000).toISOString();
    // The probe found customers changed, and one page read them.
    expect(operationsSince(requests)).toEqual(['SyncProbe', 'CustomersPage']);
    expect(incremental!.resources!['customers']!.checkpoint).toMatchObject({ sliceFrom: from });
    expect(updated.length + 1).toBe(incremental!.resources!['customers']!.seen);
    expect(created.id).toBeDefined();
    // DynamoDB Local on a shared 2-core machine: 5,000 conditional writes need headroom.
  }, 180_000);

  it.each(['error', 'silentStop'] as const)(
    'syncs a store larger than the pagination cap by restarting the query at the last updatedAt seen (limit: %s)',
    async (paginationLimitBehaviour) => {
      const { shop, integration } = await harness.connect({
        shopDomain: `capped-${paginationLimitBehaviour.toLowerCase()}.myshopify.com`,
        seedCustomers: 1200,
        plan: fastPlan,
        maxPaginatedObjects: 300,
        paginationLimitBehaviour,
      });
      const queue = new CapturingQueue();
      await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
      await harness.drain(harness.worker(queue, { config: { maxObjectsPerQuery: 300 } }), queue);

      expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
      const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
      expect(run).toMatchObject({ status: 'succeeded', resources: { customers: { written: 1200 } } });
      // No request ever asked past the cap.
      expect(shop.requests().flatMap((r) => r.errorCodes)).not.toContain('PAGINATION_LIMIT_EXCEEDED');
      expect(run!.resources!['customers']!.checkpoint.sliceFrom).not.toBeNull();
    },
  );

  it('paces itself on a Standard plan (100 points/s) with at most one THROTTLED answer', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'standard.myshopify.com',
      seedCustomers: 700,
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue), queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const throttled = shop.requests().filter((r) => r.errorCodes.includes('THROTTLED'));
    expect(throttled.length).toBeLessThanOrEqual(1);
    expect(shop.requests().every((r) => (r.requestedQueryCost ?? 0) <= 1000)).toBe(true);
    // It did have to wait for the bucket: the pacing, not luck, kept THROTTLED away.
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run!.calls!.throttleWaits).toBeGreaterThan(0);
  }, 30_000);

  it('an idle hour is one Admin call; a change is paged for its resource only, and mirrored exactly', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'probed.myshopify.com',
      seedCustomers: 12,
      seedOrders: 4,
      seedProducts: 3,
    });
    const queue = new CapturingQueue();
    // No overlap: a run's filter starts at the last run's start, so "idle" is reachable in a test.
    const worker = harness.worker(queue, {
      withOrders: true,
      withProducts: true,
      config: { overlapMinutes: 0 },
    });
    const runOnce = async () => {
      const from = shop.requests().length;
      await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
      await harness.drain(worker, queue);
      const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
      return {
        run: run!,
        operations: shop
          .requests()
          .slice(from)
          .map((r) => r.operationName),
      };
    };

    const initial = await runOnce();
    expect(initial.operations).not.toContain('SyncProbe');
    await nextSecond();

    const idle = await runOnce();
    expect(idle.operations).toEqual(['SyncProbe']);
    expect(idle.run).toMatchObject({
      status: 'succeeded',
      resources: {
        customers: { status: 'completed', pages: 0, seen: 0 },
        orders: { status: 'completed', pages: 0, seen: 0 },
        products: { status: 'completed', pages: 0, seen: 0 },
      },
    });
    const watermarks = (await harness.stores().integrations.get(integration.integrationId))!.syncWatermarks;
    expect(watermarks).toEqual({
      customers: idle.run.startedAt,
      orders: idle.run.startedAt,
      products: idle.run.startedAt,
    });

    await nextSecond();
    const customer = shop.resources.customers.list()[3]!;
    shop.resources.customers.update(customer.id, { note: 'changed after the idle run' });
    const changed = await runOnce();
    expect(changed.operations).toEqual(['SyncProbe', 'CustomersPage']);
    expect(changed.run.resources!['customers']).toMatchObject({ pages: 1, seen: 1, written: 1 });
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
  }, 60_000);
});
