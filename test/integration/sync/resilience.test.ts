import { newRunId } from '../../../lambdas/core/sync/sync-run.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { RecordWriter } from '../../../lambdas/resources/kit/definition.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, fakeContext, sqsEvent, syncHarness } from './harness.js';

const tables = useTestTables();
let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());
const harness = syncHarness(tables, () => simulator);
const fastPlan = { restoreRate: 20_000, maximumAvailable: 40_000 };
let shopCount = 0;
const connect = (seedCustomers: number, extra: Record<string, unknown> = {}) =>
  harness.connect({
    shopDomain: `shop-${++shopCount}.myshopify.com`,
    seedCustomers,
    plan: fastPlan,
    ...extra,
  });

const latestRun = async (integrationId: string) =>
  (await harness.stores().runs.list(integrationId, { limit: 1 })).items[0]!;

/** Customer pages the shop actually served (failed and throttled attempts excluded). */
const customerPages = (shop: {
  requests(): {
    rootFields: readonly string[];
    httpStatus: number;
    fault: string | null;
    errorCodes: readonly string[];
  }[];
}) =>
  shop
    .requests()
    .filter(
      (r) =>
        r.rootFields.includes('customers') &&
        r.httpStatus === 200 &&
        r.errorCodes.length === 0 &&
        (r.fault === null || r.fault === 'slow'),
    ).length;

describe('a sync under faults', () => {
  it('completes with exact results through 429s, 5xx, resets, truncated bodies and slow pages', async () => {
    const { shop, integration } = await connect(1000);
    shop.setFaults({
      queue: [
        { kind: 'rateLimited', retryAfterSeconds: 0.2 },
        { kind: 'serverError', status: 502 },
        { kind: 'connectionReset' },
        { kind: 'truncatedBody', declareFullLength: true },
        { kind: 'truncatedBody', declareFullLength: false },
        { kind: 'slow', ms: 300 },
      ],
      random: {
        probability: 0.25,
        seed: 7,
        faults: [
          { kind: 'serverError', status: 503 },
          { kind: 'connectionReset' },
          { kind: 'slow', ms: 100 },
        ],
      },
    });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    await harness.drain(harness.worker(queue), queue);

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const run = await latestRun(integration.integrationId);
    expect(run.status).toBe('succeeded');
    expect(run.calls!.retries).toBeGreaterThanOrEqual(5);
  });
});

describe('resuming from the checkpoint', () => {
  it('pauses when the Lambda runs low on time and continues from the saved cursor', async () => {
    const { shop, integration } = await connect(1200);
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    // Each invocation "runs out of time" after its second page.
    const context = () => {
      let asked = 0;
      return fakeContext(() => (++asked >= 2 ? 10_000 : 900_000));
    };
    await harness.drain(harness.worker(queue), queue, { context });

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const run = await latestRun(integration.integrationId);
    expect(run).toMatchObject({ status: 'succeeded', resources: { customers: { seen: 1200 } } });
    expect(run.invocations).toBeGreaterThanOrEqual(3);
    expect(queue.sent.filter((m) => m.trigger === 'continuation')).toHaveLength(run.invocations! - 1);
    // Nothing was fetched twice.
    expect(customerPages(shop)).toBe(run.resources!['customers']!.pages);
  });

  it.each([1, 2, 4])(
    'a crash after %i pages resumes on redelivery without refetching from zero',
    async (crashAfter) => {
      const customers = 1200; // five pages, so a crash after four still has one to lose
      const { shop, integration } = await connect(customers);
      let pagesWritten = 0;
      const crashing = (store: RecordWriter<CustomerRecord>): RecordWriter<CustomerRecord> => ({
        async upsertMany(records, options) {
          // Crash after the page's writes but before its checkpoint: the worst moment.
          const result = await store.upsertMany(records, options);
          if (++pagesWritten === crashAfter + 1) throw new Error('worker killed');
          return result;
        },
      });
      const queue = new CapturingQueue();
      await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
      const { outcomes } = await harness.drain(harness.worker(queue, { writer: crashing }), queue);

      expect(outcomes.map((o) => o.response.batchItemFailures.length)).toEqual([1, 0]);
      expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
      const run = await latestRun(integration.integrationId);
      expect(run).toMatchObject({ status: 'succeeded', invocations: 2 });
      expect(run.lastError).toContain('worker killed');
      // Only the pages in flight are fetched again: the one whose checkpoint was lost, the next
      // one (its writes start before the last page's are done) and the one fetched ahead.
      const pagesWithoutRetry = Math.ceil(customers / customersResource.initialPageSize);
      expect(customerPages(shop)).toBeLessThanOrEqual(pagesWithoutRetry + 3);
    },
  );
});

describe('one sync at a time per store', () => {
  it('runs only one of a manual and a scheduled trigger arriving together', async () => {
    const { shop, integration } = await connect(800);
    shop.setFaults({ random: { probability: 1, seed: 1, faults: [{ kind: 'slow', ms: 150 }] } });
    const queue = new CapturingQueue();
    const worker = harness.worker(queue);
    const { runs } = harness.stores();
    await queue.send([
      { integrationId: integration.integrationId, trigger: 'manual' },
      { integrationId: integration.integrationId, trigger: 'schedule' },
    ]);
    const [first, second] = queue.pending.splice(0).map((entry) => ({ ...entry, receiveCount: 1 }));
    const responses = await Promise.all([
      worker(sqsEvent([first!]), fakeContext()),
      worker(sqsEvent([second!]), fakeContext()),
    ]);

    expect(responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    const all = (await runs.list(integration.integrationId, { limit: 10 })).items;
    expect(all.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(all.find((r) => r.status === 'skipped')!.skipReason).toMatch(
      /ANOTHER_SYNC_RUNNING|RECENTLY_SYNCED/,
    );
    const winner = all.find((r) => r.status === 'succeeded')!;
    expect(customerPages(shop)).toBe(winner.resources!['customers']!.pages);
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
  });

  it('grants the lease to exactly one of many concurrent runs', async () => {
    const { integration } = await connect(0);
    const { state } = harness.stores();
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 60_000).toISOString();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        state.acquireLease(integration.integrationId, `RUN${i}`, `worker-${i}`, now, later),
      ),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
  });
});

describe('a run delivered twice at once (SQS at-least-once)', () => {
  it('a finished run never keeps the store locked, and a heartbeat never re-takes a released lease', async () => {
    const { shop, integration } = await connect(120);
    const { state, runs } = harness.stores();
    const { integrationId } = integration;
    const runId = newRunId(Date.now());
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 300_000).toISOString();
    await runs.createIfAbsent({
      integrationId,
      runId,
      trigger: 'manual',
      status: 'queued',
      queuedAt: now,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    // One copy finished the run; the other, still running, had renewed the lease afterwards.
    await state.acquireLease(integrationId, runId, 'other-copy', now, later);
    await runs.finish(integrationId, runId, { status: 'succeeded', finishedAt: now });

    const queue = new CapturingQueue();
    const worker = harness.worker(queue);
    await queue.send([{ integrationId, trigger: 'continuation', runId }]);
    await harness.drain(worker, queue);
    expect(await state.leaseHolder(integrationId, new Date().toISOString())).toBeUndefined();

    // The next trigger is not locked out for the lease's lifetime.
    await queue.send([{ integrationId, trigger: 'manual' }]);
    await harness.drain(worker, queue);
    expect(await latestRun(integrationId)).toMatchObject({
      status: 'succeeded',
      resources: { customers: { seen: 120 } },
    });
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));

    await state.acquireLease(integrationId, 'OTHER', 'other-worker', now, later);
    await state.releaseLease(integrationId, 'OTHER');
    expect(await state.renewLease(integrationId, 'OTHER', 'other-worker', later)).toMatchObject({
      acquired: false,
    });
    expect(await state.leaseHolder(integrationId, new Date().toISOString())).toBeUndefined();
  });
});

describe('one invocation per run at a time', () => {
  it('a second invocation of the same run waits; the holder may hand the lease to its continuation', async () => {
    const { integration } = await connect(0);
    const { state } = harness.stores();
    const { integrationId } = integration;
    const runId = newRunId(Date.now());
    const now = new Date().toISOString();
    const later = new Date(Date.now() + 60_000).toISOString();

    expect(await state.acquireLease(integrationId, runId, 'first', now, later)).toEqual({ acquired: true });
    // A duplicate delivery of the same message: same run, another invocation.
    expect(await state.acquireLease(integrationId, runId, 'duplicate', now, later)).toEqual({
      acquired: false,
      holderRunId: runId,
    });
    expect(await state.renewLease(integrationId, runId, 'duplicate', later)).toMatchObject({
      acquired: false,
    });
    expect(await state.renewLease(integrationId, runId, 'first', later)).toEqual({ acquired: true });

    // The holder pauses: its continuation (another invocation of the run) takes over, and the
    // paused invocation can no longer renew.
    await state.handOffLease(integrationId, runId, 'first');
    expect(await state.acquireLease(integrationId, 'ANOTHER-RUN', 'x', now, later)).toMatchObject({
      acquired: false,
    });
    expect(await state.acquireLease(integrationId, runId, 'continuation', now, later)).toEqual({
      acquired: true,
    });
    expect(await state.renewLease(integrationId, runId, 'first', later)).toMatchObject({ acquired: false });
  });

  it('two copies of one message delivered at once: Shopify is read once, the copy retries and finds the run done', async () => {
    const { shop, integration } = await connect(600);
    shop.setFaults({ random: { probability: 1, seed: 3, faults: [{ kind: 'slow', ms: 100 }] } });
    const queue = new CapturingQueue();
    const worker = harness.worker(queue);
    await queue.send([{ integrationId: integration.integrationId, trigger: 'manual' }]);
    const [entry] = queue.pending.splice(0);
    const copies = [1, 2].map(() => ({ ...entry!, receiveCount: 1 }));
    const responses = await Promise.all(copies.map((copy) => worker(sqsEvent([copy]), fakeContext())));

    // One copy synced; the other found the lease held by another invocation and asked for a retry.
    expect(responses.map((r) => r.batchItemFailures.length).sort()).toEqual([0, 1]);
    const run = await latestRun(integration.integrationId);
    expect(run.status).toBe('succeeded');
    expect(customerPages(shop)).toBe(run.resources!['customers']!.pages);
    // The retry finds the run finished: nothing read, nothing written twice.
    queue.pending.push({ ...entry!, receiveCount: 1 });
    const { deadLetters } = await harness.drain(worker, queue);
    expect(deadLetters).toEqual([]);
    expect(customerPages(shop)).toBe(run.resources!['customers']!.pages);
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
  });
});

describe('a store that refuses the token', () => {
  it('is flagged NEEDS_ATTENTION without retries while the other stores still sync', async () => {
    const revoked = await connect(300);
    const healthy = await connect(300);
    revoked.shop.setAccessToken(null);
    const queue = new CapturingQueue();
    await queue.send([
      { integrationId: revoked.integration.integrationId, trigger: 'schedule' },
      { integrationId: healthy.integration.integrationId, trigger: 'schedule' },
    ]);
    const { deadLetters } = await harness.drain(harness.worker(queue), queue);

    expect(deadLetters).toEqual([]);
    const flagged = await harness.stores().integrations.get(revoked.integration.integrationId);
    expect(flagged).toMatchObject({ status: 'NEEDS_ATTENTION', statusReason: 'SHOPIFY_UNAUTHORIZED' });
    expect(revoked.shop.requests()).toHaveLength(1); // no retry storm
    expect(await latestRun(revoked.integration.integrationId)).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(await latestRun(revoked.integration.integrationId))).not.toContain('shpat_');

    expect(await harness.mirror(healthy.integration)).toEqual(
      harness.expectedMirror(healthy.shop, healthy.integration),
    );
  });
});

describe('webhooks racing a sync', () => {
  it('never leaves an older version stored, whichever arrives last', async () => {
    const { shop, integration } = await connect(900);
    shop.setFaults({ random: { probability: 1, seed: 3, faults: [{ kind: 'slow', ms: 120 }] } });
    const { customers } = harness.stores();
    const targets = shop.resources.customers.list().filter((_, i) => i % 45 === 0);
    const originals = targets.map((c) => harness.webhookRecord(c, shop, integration));

    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'schedule' }]);
    const syncing = harness.drain(harness.worker(queue), queue);

    // While the sync pages: the customers change; the new versions arrive by webhook, and the
    // original versions arrive late (Shopify retries an old delivery).
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const target of targets) {
      const updated = shop.resources.customers.update(target.id, { note: `edited during sync ${target.id}` });
      await customers.upsert(harness.webhookRecord(updated, shop, integration));
    }
    await customers.upsertMany(originals, { concurrency: 8 });
    await syncing;

    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
  });
});
