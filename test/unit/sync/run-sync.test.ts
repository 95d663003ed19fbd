/**
 * The run's lifecycle end to end (run, lease, resource loop, page pipeline, write rules) on the
 * in-memory ports: no DynamoDB Local, no Java. The DynamoDB adapters keep their own integration
 * tests (test/integration/sync) and the record store's contract holds both to the same rules.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createInMemoryRecordStore } from '../../../lambdas/adapters/memory/record-store.js';
import {
  InMemoryIntegrations,
  InMemorySyncQueue,
  InMemorySyncRuns,
} from '../../../lambdas/adapters/memory/sync-stores.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { emptyCallStats, type GraphqlResult, type ShopifyGraphql } from '../../../lambdas/shopify/graphql.js';
import { defaultSyncConfig, type SyncConfig } from '../../../lambdas/core/sync-config.js';
import { RetryLaterError } from '../../../lambdas/core/sync/errors.js';
import { syncedResource } from '../../../lambdas/core/sync/resource-loop.js';
import { runSync, type SyncDelivery } from '../../../lambdas/core/sync/run-sync.js';
import type { SyncMessage } from '../../../lambdas/core/sync/sync-run.js';
import { customerNode, owner } from './fixtures.js';

const START = Date.parse('2026-03-02T00:00:00Z');
const stamp = (i: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1000).toISOString();

/** Customers sorted by updatedAt, served in cursor pages; `failWith` makes every call fail. */
const shopOf = (count: number) => {
  const nodes = Array.from({ length: count }, (_, i) => customerNode(i + 1, stamp(i)));
  const state = { calls: 0, failWith: undefined as Error | undefined };
  const graphql: ShopifyGraphql = {
    async query<T>(
      _doc: string,
      variables: Record<string, unknown>,
      schema: z.ZodType<T>,
    ): Promise<GraphqlResult<T>> {
      state.calls += 1;
      if (state.failWith) throw state.failWith;
      const { first, after } = variables as { first: number; after: string | null };
      const start = after ? Number(after) : 0;
      const page = nodes.slice(start, start + first);
      const data = {
        customers: {
          nodes: page,
          pageInfo: { hasNextPage: start + first < nodes.length, endCursor: String(start + page.length) },
        },
      };
      return { data: schema.parse(data), cost: null, stats: emptyCallStats };
    },
  };
  return { nodes, graphql, state };
};

const world = (count: number, config: Partial<SyncConfig> = {}) => {
  const shop = shopOf(count);
  const integrations = new InMemoryIntegrations();
  const runs = new InMemorySyncRuns();
  const queue = new InMemorySyncQueue();
  const customers = createInMemoryRecordStore<CustomerRecord>({ definition: customersResource });
  const integration: Integration = {
    ...owner,
    status: 'ACTIVE',
    encryptedAccessToken: 'ciphertext',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  integrations.put(integration);
  let clock = START;
  const deps = {
    integrations,
    runs,
    state: integrations,
    queue,
    tokens: { decrypt: async () => 'token' },
    graphqlFor: () => shop.graphql,
    resources: [syncedResource(customersResource, customers)],
    now: () => (clock += 10),
    logger: silentLogger,
    config: { ...defaultSyncConfig, ...config },
  };
  let messages = 0;
  const deliver = (message: SyncMessage, overrides: Partial<SyncDelivery> = {}) =>
    runSync(
      {
        message,
        messageId: `m-${(messages += 1)}`,
        sentAt: START,
        receiveCount: 1,
        shouldPause: () => false,
        ...overrides,
      },
      deps,
    );
  return { shop, integrations, runs, queue, customers, deliver, deps };
};

const schedule: SyncMessage = { integrationId: owner.integrationId, trigger: 'schedule' };

describe('a sync run on in-memory ports', () => {
  it('mirrors every customer, advances the watermark to the run start and leaves the store unlocked', async () => {
    const { deliver, customers, integrations, runs, shop } = world(450);
    const outcome = await deliver(schedule);
    expect(outcome).toMatchObject({
      outcome: 'succeeded',
      totals: { recordsSeen: 450, recordsWritten: 450 },
    });
    expect(customers.items()).toHaveLength(450);
    expect(
      customers
        .items()
        .map((item) => item.shopifyUpdatedAt)
        .sort(),
    ).toEqual(shop.nodes.map((n) => n.updatedAt));
    const stored = (await integrations.get(owner.integrationId))!;
    const run = (await runs.list(owner.integrationId, { limit: 1 })).items[0]!;
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'initial', invocations: 1 });
    expect(stored.lastSuccessfulSyncAt).toBe(run.startedAt);
    expect(stored.syncWatermarks).toEqual({ customers: run.startedAt });
    expect(integrations.lease(owner.integrationId)).toBeUndefined();
  });

  it('a run out of time hands its lease to a continuation, which goes on from the checkpoint', async () => {
    const { deliver, customers, integrations, queue, shop } = world(600);
    let pages = 0;
    const paused = await deliver(schedule, { shouldPause: () => (pages += 1) > 1 });
    if (paused.outcome !== 'paused') throw new Error(`expected a pause, got ${paused.outcome}`);
    expect(customers.items().length).toBeGreaterThan(0);
    expect(customers.items().length).toBeLessThan(600);
    const [continuation] = queue.take();
    expect(continuation).toMatchObject({ trigger: 'continuation', runId: paused.runId });
    // Handed off: the run keeps the store, and no invocation holds it.
    expect(integrations.lease(owner.integrationId)).toMatchObject({ runId: paused.runId });
    expect(integrations.lease(owner.integrationId)).not.toHaveProperty('holder');
    const callsBefore = shop.state.calls;

    const finished = await deliver(continuation!);
    expect(finished).toMatchObject({ outcome: 'succeeded', runId: paused.runId });
    expect(customers.items()).toHaveLength(600);
    // Nothing was read twice but the one page fetched ahead and dropped at the pause.
    expect(shop.state.calls - callsBefore).toBeLessThanOrEqual(
      Math.ceil(600 / customersResource.initialPageSize),
    );
  });

  it('a fresh trigger finding another run on the store is skipped, and Shopify is not asked', async () => {
    const { deliver, integrations, shop } = world(10);
    await integrations.acquireLease(
      owner.integrationId,
      'OTHER-RUN',
      'h',
      new Date(START).toISOString(),
      '2099-01-01T00:00:00.000Z',
    );
    expect(await deliver(schedule)).toMatchObject({ outcome: 'skipped', reason: 'ANOTHER_SYNC_RUNNING' });
    expect(shop.state.calls).toBe(0);
  });

  it('a second copy of a running message retries later and writes nothing', async () => {
    const { deliver, integrations, customers, runs } = world(10);
    const message: SyncMessage = { ...schedule, trigger: 'manual', runId: 'RUN-1' };
    await runs.createIfAbsent({
      integrationId: owner.integrationId,
      runId: 'RUN-1',
      trigger: 'manual',
      status: 'running',
      queuedAt: new Date(START).toISOString(),
      expiresAt: 0,
    });
    await integrations.acquireLease(
      owner.integrationId,
      'RUN-1',
      'first-copy',
      new Date(START).toISOString(),
      '2099-01-01T00:00:00.000Z',
    );
    await expect(deliver(message)).rejects.toBeInstanceOf(RetryLaterError);
    expect(customers.items()).toHaveLength(0);
    expect(await runs.get(owner.integrationId, 'RUN-1')).toMatchObject({ status: 'retrying' });
    expect(integrations.lease(owner.integrationId)).toMatchObject({ holder: 'first-copy' });
  });

  it('a page never overwrites a newer webhook write: counted stale, the newer version stays', async () => {
    const { deliver, customers } = world(5);
    const newer = customersResource.toRecord!(
      customersResource.nodeSchema.parse(customerNode(3, '2026-03-05T00:00:00Z')),
      owner,
    );
    await customers.upsert({ ...newer, firstName: 'From the webhook' });
    const outcome = await deliver(schedule);
    expect(outcome).toMatchObject({ outcome: 'succeeded', totals: { recordsSeen: 5, recordsWritten: 4 } });
    expect((await customers.get(owner.organizationId, '3'))?.firstName).toBe('From the webhook');
  });

  it('the last failed attempt fails the run, keeps the message for the DLQ and unlocks the store', async () => {
    const { deliver, integrations, runs, shop } = world(10, { maxReceives: 3 });
    shop.state.failWith = new Error('Shopify is down');
    const first = deliver(schedule, { messageId: 'same', receiveCount: 1 });
    await expect(first).rejects.toBeInstanceOf(RetryLaterError);
    await expect(deliver(schedule, { messageId: 'same', receiveCount: 3 })).rejects.toThrow(
      'Shopify is down',
    );
    const run = (await runs.list(owner.integrationId, { limit: 1 })).items[0]!;
    expect(run).toMatchObject({ status: 'failed', exhaustedMessageId: 'same' });
    expect(run.lastError).toContain('Gave up after 3 attempts');
    expect(integrations.lease(owner.integrationId)).toBeUndefined();
    expect((await integrations.get(owner.integrationId))!.lastSuccessfulSyncAt).toBeUndefined();
  });
});
