import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordWriter } from '../../../lambdas/resources/kit/definition.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
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

const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };
const operations = (shop: { requests(): readonly { operationName: string | null }[] }, name: string) =>
  shop.requests().filter((r) => r.operationName === name).length;

const lastRun = async (integrationId: string) =>
  (await harness.stores().runs.list(integrationId, { limit: 1 })).items[0]!;

describe('bulk sync (full syncs of large stores)', () => {
  it('mirrors a store above the threshold through one bulk operation, whatever the listing limit does', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'bulk-initial.myshopify.com',
      seedCustomers: 3000,
      plan: fastPlan,
      maxPaginatedObjects: 500,
      paginationLimitBehaviour: 'silentStop',
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue, { bulk: true, config: { bulkThreshold: 1000 } }), queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    expect(operations(shop, 'CustomersPage')).toBe(0);
    expect(operations(shop, 'BulkOperationRunQuery')).toBe(1);
    const run = await lastRun(integration.integrationId);
    expect(run).toMatchObject({
      status: 'succeeded',
      resources: { customers: { written: 3000, seen: 3000 } },
    });
    const bulk = run.resources!['customers']!.checkpoint.bulk!;
    expect(bulk).toMatchObject({ line: 3000, attempts: 1 });
    // The watermark (the run's start) is never after the operation's snapshot.
    const { lastSuccessfulSyncAt } = (await harness.stores().integrations.get(integration.integrationId))!;
    expect(lastSuccessfulSyncAt! <= bulk.operationStartedAt!).toBe(true);
  }, 60_000);

  it('pages a store at or below the threshold', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'bulk-small.myshopify.com',
      seedCustomers: 300,
      plan: fastPlan,
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue, { bulk: true, config: { bulkThreshold: 300 } }), queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    expect(operations(shop, 'BulkOperationRunQuery')).toBe(0);
    expect(operations(shop, 'CustomersPage')).toBeGreaterThan(0);
  });

  it('a worker killed mid-file resumes at the checkpointed line of the same operation', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'bulk-killed.myshopify.com',
      seedCustomers: 2600,
      plan: fastPlan,
    });
    let batches = 0;
    let records = 0;
    const crashOnThirdBatch = (store: RecordWriter<CustomerRecord>): RecordWriter<CustomerRecord> => ({
      async upsertMany(batch, options) {
        batches += 1;
        if (batches === 3) throw new Error('worker killed');
        records += batch.length;
        return store.upsertMany(batch, options);
      },
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    const { outcomes } = await harness.drain(
      harness.worker(queue, { bulk: true, config: { bulkThreshold: 1000 }, writer: crashOnThirdBatch }),
      queue,
    );

    expect(outcomes.map((o) => o.response.batchItemFailures.length)).toEqual([1, 0]);
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    expect(operations(shop, 'BulkOperationRunQuery')).toBe(1);
    // Two batches of 500 were checkpointed before the crash; the rest was written once.
    expect(records).toBe(2600);
    expect(await lastRun(integration.integrationId)).toMatchObject({
      status: 'succeeded',
      resources: { customers: { written: 2600 } },
    });
  }, 60_000);

  it('waits while another bulk operation runs, writes partial data, and re-runs after FAILED, CANCELED and an expired URL', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'bulk-faults.myshopify.com',
      seedCustomers: 1500,
      plan: fastPlan,
    });
    // Another client's operation holds the shop's only slot for a moment.
    shop.configureBulk({ finishAfterMs: 300 });
    const blocking = shop.bulk.run(
      (await import('../../../local/shopify-simulator/schema.js')).adminSchema(SHOPIFY_API_VERSION),
      SHOPIFY_API_VERSION,
      '{ customers { edges { node { id } } } }',
    );
    expect(blocking.operation?.status).toBe('CREATED');
    shop.configureBulk({
      outcomes: [{ kind: 'partial', lines: 700 }, { kind: 'canceled' }, { kind: 'urlExpired' }],
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    const { outcomes } = await harness.drain(
      harness.worker(queue, { bulk: true, config: { bulkThreshold: 1000 } }),
      queue,
    );

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    // Three failed operations spent this delivery's attempts; the retry's first operation completed.
    expect(outcomes.map((o) => o.response.batchItemFailures.length)).toEqual([1, 0]);
    expect(operations(shop, 'BulkOperationRunQuery')).toBeGreaterThanOrEqual(5); // busy answers included
    expect(shop.bulk.all().map((op) => op.status)).toEqual([
      'COMPLETED',
      'FAILED',
      'CANCELED',
      'COMPLETED',
      'COMPLETED',
    ]);
  }, 60_000);
});
