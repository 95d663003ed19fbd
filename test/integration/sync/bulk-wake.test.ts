/**
 * A bulk sync waits for its operation outside Lambda, and BULK_OPERATIONS_FINISH (through the one
 * topic registry) continues it at once; the delayed poll it left stays the fallback, and whichever
 * of the two comes second is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncLeaseReader } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import { bulkOperationTopics } from '../../../lambdas/core/webhooks/bulk-operation-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { applyDelivery } from '../../support/apply-delivery.js';
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
const hooks = 'https://hooks.example.test/shopify';

/** A shop whose bulk operation keeps running until the test finishes it. */
const waitingShop = async (shopDomain: string) => {
  const connected = await harness.connect({ shopDomain, seedCustomers: 1500, plan: fastPlan });
  connected.shop.bulk.configure({ pollsToFinish: 1_000_000, finishAfterMs: 3_600_000 });
  connected.shop.setDelivery({ capture: true });
  connected.shop.addWebhookSubscription('BULK_OPERATIONS_FINISH', hooks, 'JSON', '2026-10');
  const queue = new CapturingQueue();
  const handler = harness.worker(queue, {
    bulk: true,
    config: { bulkThreshold: 1000, bulkWaitInInvocationMs: 60, bulkWakeFallbackSeconds: 120 },
  });
  /** Delivers one queued message (the oldest unless told) in its own invocation. */
  const deliver = async (index = 0, receiveCount = 1) => {
    const [entry] = queue.pending.splice(index, 1);
    entry!.receiveCount = receiveCount;
    return handler(sqsEvent([entry!]), fakeContext());
  };
  const finishOperation = () => {
    connected.shop.bulk.configure({ finishAfterMs: 0 });
    connected.shop.bulk.running();
    const finish = connected.shop.takeDeliveries().find((d) => d.topic === 'bulk_operations/finish');
    return finish!;
  };
  return { ...connected, queue, deliver, finishOperation };
};

const wakeTopics = (queue: CapturingQueue) =>
  createTopicRegistry(
    bulkOperationTopics({
      leases: createSyncLeaseReader(tables.doc, tables.names.Integrations),
      runs: harness.stores().runs,
      queue,
    }),
  );

const runOf = async (integrationId: string) =>
  (await harness.stores().runs.list(integrationId, { limit: 1 })).items[0]!;

describe('a bulk sync waiting for its operation', () => {
  it('hands the wait on with a delayed poll, is continued at once by BULK_OPERATIONS_FINISH, and drops the poll', async () => {
    const { shop, integration, queue, deliver, finishOperation } = await waitingShop('wake.myshopify.com');
    await queue.send([{ integrationId: integration.integrationId, trigger: 'initial' }]);

    await deliver();
    // Still running after the invocation's short wait: one continuation, delayed, tagged with the wait.
    expect(queue.pending).toHaveLength(1);
    const fallback = queue.pending[0]!.message;
    expect(fallback).toMatchObject({ trigger: 'continuation', afterInvocation: 1 });
    expect(queue.delays.at(-1)).toBe(120);
    const waiting = await runOf(integration.integrationId);
    expect(waiting.status).toBe('running');
    expect(waiting.resources!['customers']!.checkpoint.bulk).toMatchObject({ url: null, line: 0 });

    const finish = finishOperation();
    const woken = await applyDelivery(wakeTopics(queue), integration, {
      topic: finish.topic,
      body: finish.body,
    });
    expect(woken).toEqual({ outcome: 'written' });
    expect(queue.pending.map((p) => p.message)).toEqual([
      fallback,
      {
        integrationId: integration.integrationId,
        trigger: 'continuation',
        runId: waiting.runId,
        afterInvocation: 1,
      },
    ]);
    expect(queue.delays.at(-1)).toBeUndefined();

    // The wake-up first (the fallback is still hidden by its delay): the run completes now.
    await deliver(1);
    const done = await runOf(integration.integrationId);
    expect(done).toMatchObject({
      status: 'succeeded',
      invocations: 2,
      resources: { customers: { written: 1500 } },
    });
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));

    // The fallback poll arrives later and finds the wait served: no third invocation.
    const requestsBefore = shop.requests().length;
    const response = await deliver(0);
    expect(response.batchItemFailures).toEqual([]);
    expect(queue.pending).toHaveLength(0);
    expect((await runOf(integration.integrationId)).invocations).toBe(2);
    expect(shop.requests().length).toBe(requestsBefore);
  }, 180_000);

  it('goes on by the fallback poll when the webhook never comes, and a late wake-up is dropped', async () => {
    const { integration, queue, deliver, finishOperation } = await waitingShop('wake-late.myshopify.com');
    await queue.send([{ integrationId: integration.integrationId, trigger: 'initial' }]);
    await deliver();
    const finish = finishOperation(); // delivered late, after the poll went on
    await deliver();
    expect(await runOf(integration.integrationId)).toMatchObject({ status: 'succeeded', invocations: 2 });

    const late = await applyDelivery(wakeTopics(queue), integration, {
      topic: finish.topic,
      body: finish.body,
    });
    expect(late).toEqual({ outcome: 'ignored', reason: 'no-sync-waiting' });
    expect(queue.pending).toHaveLength(0);
  }, 180_000);

  it('a wake-up while an invocation is at work, or for another operation, enqueues nothing', async () => {
    const { integration, queue, deliver } = await waitingShop('wake-other.myshopify.com');
    await queue.send([{ integrationId: integration.integrationId, trigger: 'initial' }]);
    await deliver();
    const other = JSON.stringify({
      admin_graphql_api_id: 'gid://shopify/BulkOperation/999',
      completed_at: null,
      created_at: new Date().toISOString(),
      error_code: null,
      status: 'completed',
      type: 'query',
    });
    const topics = wakeTopics(queue);
    expect(
      await applyDelivery(topics, integration, { topic: 'bulk_operations/finish', body: other }),
    ).toEqual({
      outcome: 'ignored',
      reason: 'operation-not-awaited',
    });

    // An invocation takes the lease (the fallback poll): the wake-up leaves the run to it.
    const { state } = harness.stores();
    const run = await runOf(integration.integrationId);
    const at = new Date();
    await state.acquireLease(
      integration.integrationId,
      run.runId,
      'someone',
      at.toISOString(),
      new Date(at.getTime() + 60_000).toISOString(),
    );
    const operationId = run.resources!['customers']!.checkpoint.bulk!.operationId!;
    const ours = other.replace('gid://shopify/BulkOperation/999', operationId);
    expect(await applyDelivery(topics, integration, { topic: 'bulk_operations/finish', body: ours })).toEqual(
      {
        outcome: 'ignored',
        reason: 'sync-at-work',
      },
    );
    expect(queue.pending).toHaveLength(1); // only the fallback
  }, 180_000);

  it('refuses a body that names no bulk operation', async () => {
    const { integration, queue } = await waitingShop('wake-bad.myshopify.com');
    await expect(
      applyDelivery(wakeTopics(queue), integration, {
        topic: 'bulk_operations/finish',
        body: JSON.stringify({ admin_graphql_api_id: 'gid://shopify/Customer/1', status: 'completed' }),
      }),
    ).rejects.toThrow();
    expect(queue.pending).toHaveLength(0);
  });
});
