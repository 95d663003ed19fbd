import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { createSyncRunStore } from '../../../lambdas/adapters/dynamodb/sync-run-store.js';
import type { SyncRun } from '../../../lambdas/core/sync/sync-run.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { Fault } from '../../../local/shopify-simulator/faults.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * Retries and redrive through the local runtime: the real sync worker, the local SQS queue and
 * DLQ with a clock the test moves, the simulator's fault injection. Polled by hand, so each
 * receive is one step of the test.
 */
let runtime: LocalRuntime;
let queueNow = Date.parse('2026-06-01T00:00:00Z');
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-40).join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('rt'),
    demoShop: false,
    syncQueue: { clock: { now: () => queueNow }, visibilityTimeoutSeconds: 1800 },
    startWorker: false,
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
});
afterAll(() => runtime?.stop());

const runs = () =>
  createSyncRunStore(
    createDocumentClient(
      new DynamoDBClient({
        endpoint: runtime.dynamoEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    ),
    runtime.tableNames.SyncRuns,
  );

/** A store on fast limits, connected through the API: its initial sync waits on the queue. */
const connectStore = async (name: string, customers: number) => {
  const shopDomain = `${name}.myshopify.com`;
  const accessToken = `shpat_${name}`;
  const shop = runtime.shopify.simulator!.createShop({
    shopDomain,
    accessToken,
    seedCustomers: customers,
    plan: { restoreRate: 20_000, maximumAvailable: 40_000 },
  });
  const response = await fetch(`${runtime.apiUrl}/organizations/org-${name}/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shopDomain, accessToken }),
  });
  expect(response.status).toBe(201);
  const { integration } = (await response.json()) as { integration: { integrationId: string } };
  const [run] = (await runs().list(integration.integrationId, { limit: 1 })).items;
  return { shop, integrationId: integration.integrationId, runId: run!.runId };
};

/** Shopify answering 429 with Retry-After 0 until the client's six attempts at one call are spent. */
const oneFailedCall: Fault[] = Array.from({ length: 6 }, () => ({
  kind: 'rateLimited' as const,
  retryAfterSeconds: 0,
}));
const runOf = async (integrationId: string, runId: string): Promise<SyncRun> =>
  (await runs().get(integrationId, runId))!;
const advanceQueueClock = (seconds: number) => (queueNow += seconds * 1000);

describe('sync retries and redrive', () => {
  it('retries a failed attempt after 30 s, not the 30-minute visibility timeout, and shows it as retrying', async () => {
    const { shop, integrationId, runId } = await connectStore('retry-soon', 300);
    shop.setFaults({ queue: oneFailedCall });

    const failed = await runtime.syncWorker.pollOnce();

    expect(failed?.retried).toHaveLength(1);
    const [message] = runtime.syncQueue.peek();
    expect(message!.visibleAt - queueNow).toBe(30_000);
    const retrying = await runOf(integrationId, runId);
    expect(retrying).toMatchObject({ status: 'retrying', lastError: expect.stringContaining('429') });
    expect(Date.parse(retrying.nextAttemptAt!) - Date.now()).toBeGreaterThan(20_000);
    expect(Date.parse(retrying.nextAttemptAt!) - Date.now()).toBeLessThanOrEqual(30_000);

    advanceQueueClock(29);
    expect(await runtime.syncWorker.pollOnce()).toBeUndefined();
    advanceQueueClock(1);
    expect((await runtime.syncWorker.pollOnce())?.deleted).toHaveLength(1);
    expect(await runOf(integrationId, runId)).toMatchObject({
      status: 'succeeded',
      resources: { customers: { written: 300 } },
    });
  });

  it('a run that exhausted its receives fails with the reason, and its redriven message resumes it from the checkpoint', async () => {
    const { shop, integrationId, runId } = await connectStore('redrive', 600);
    // The scope check, the count (bulk or pages?) and the first page go through; every later
    // call fails, on all five receives.
    const passes: Fault = { kind: 'slow', ms: 0 };
    shop.setFaults({
      queue: [passes, passes, passes, ...Array.from({ length: 5 }, () => oneFailedCall).flat()],
    });

    const delays: number[] = [];
    for (let receive = 1; receive <= 5; receive++) {
      expect((await runtime.syncWorker.pollOnce())?.retried).toHaveLength(1);
      const [message] = runtime.syncQueue.peek();
      delays.push((message!.visibleAt - queueNow) / 1000);
      advanceQueueClock((message!.visibleAt - queueNow) / 1000);
    }
    // 30 s, 2 min, 8 min, then never longer than the queue's own visibility timeout (30 min).
    expect(delays).toEqual([30, 120, 480, 1800, 1800]);
    const failed = await runOf(integrationId, runId);
    expect(failed).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^Gave up after 5 attempts: .*429/),
      resources: { customers: { pages: 1 } },
    });
    expect(await runtime.syncWorker.pollOnce()).toBeUndefined(); // moved to the DLQ
    expect(runtime.deadLetterQueue.peek()).toHaveLength(1);

    const requestsBefore = shop.requests().length;
    expect(runtime.redriveDeadLetters()).toBe(1);
    expect((await runtime.syncWorker.pollOnce())?.deleted).toHaveLength(1);

    const resumed = await runOf(integrationId, runId);
    expect(resumed).toMatchObject({
      status: 'succeeded',
      resources: { customers: { written: 600, pages: 3 } },
      resumedAt: expect.any(String),
    });
    expect(resumed).not.toHaveProperty('exhaustedMessageId');
    // Page one was not read again: two more pages (249 + 249 + 102 = 600), plus the reconcile's calls.
    const syncPages = shop
      .requests()
      .slice(requestsBefore)
      .filter((r) => r.operationName === 'CustomersPage');
    expect(syncPages).toHaveLength(2);
    expect((await runs().list(integrationId, { limit: 10 })).items).toHaveLength(1);
  });
});
