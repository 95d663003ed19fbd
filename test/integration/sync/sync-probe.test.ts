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

/** Shopify's timestamps have whole seconds: a change must fall in a later second than the run's start. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('the sync probe', () => {
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
