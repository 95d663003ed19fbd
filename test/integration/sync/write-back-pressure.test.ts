/**
 * DynamoDB throttling (which DynamoDB Local never does) injected on the real client: the SDK's
 * own error, thrown for a share of the writes, outside the SDK's retries (as when they ran out).
 * Everything else goes to DynamoDB Local, so the outcomes are read from the tables.
 */
import { randomUUID } from 'node:crypto';
import { ProvisionedThroughputExceededException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackPressure } from '../../../lambdas/adapters/dynamodb/back-pressure.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createProcessedDeliveries } from '../../../lambdas/adapters/dynamodb/processed-deliveries.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createWebhookIntegrationLookup } from '../../../lambdas/adapters/dynamodb/webhook-integration-lookup.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { createWebhookHandler } from '../../../lambdas/handlers/webhook.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { localDynamoClient, useTestTables } from '../../support/dynamo.js';
import { customerBody, webhookEvent } from '../../support/webhook-delivery.js';
import { CapturingQueue, syncHarness } from './harness.js';

const tables = useTestTables();
let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());
const harness = syncHarness(tables, () => simulator);

/** A client whose record writes are throttled while `throttling()` says so, `share` of them. */
const throttledClient = (throttling: (command: string) => boolean) => {
  const client: DynamoDBClient = localDynamoClient(tables.endpoint);
  const counts = { throttled: 0, passed: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (throttling(context.commandName ?? '')) {
        counts.throttled += 1;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: { httpStatusCode: 400 },
        });
      }
      counts.passed += 1;
      return next(args);
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
  return { doc: DynamoDBDocumentClient.from(client), client, counts };
};

/**
 * Two of every three record writes throttled, for the whole run: the merge's UpdateItem and the
 * PutItem a full sync creates a new record with.
 */
const recordWrites = new Set(['UpdateItemCommand', 'PutItemCommand']);
const sustained = () => {
  let n = 0;
  return (command: string) => recordWrites.has(command) && n++ % 3 !== 0;
};

describe('DynamoDB throttling slows the writers down', () => {
  it('a sync that meets sustained throttling finishes later, and exact', async () => {
    const { shop, integration } = await harness.connect({
      shopDomain: 'throttled.myshopify.com',
      seedCustomers: 400,
      plan: { restoreRate: 20_000, maximumAvailable: 40_000 },
    });
    const { doc, client, counts } = throttledClient(sustained());
    const pressure = createBackPressure({
      maxConcurrency: 16,
      budgetMs: 30_000,
      baseDelayMs: 2,
      maxDelayMs: 50,
    });
    const store = createRecordStore<CustomerRecord>(doc, tables.names.Customers, { backPressure: pressure });
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'initial' }]);
    const { outcomes } = await harness.drain(harness.worker(queue, { writer: () => store }), queue);

    // One invocation, no failed attempt: the throttles were waited out, not retried by SQS.
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.response.batchItemFailures).toEqual([]);
    expect(counts.throttled).toBeGreaterThan(400);
    expect(pressure.stats().throttled).toBe(counts.throttled);
    expect(pressure.stats().waitedMs).toBeGreaterThan(0);
    expect(await harness.mirror(integration)).toEqual(harness.expectedMirror(shop, integration));
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run).toMatchObject({ status: 'succeeded', resources: { customers: { written: 400 } } });
    client.destroy();
  }, 120_000);

  it('without back-pressure the same throttling fails the attempt (what the test above would catch)', async () => {
    const { integration } = await harness.connect({
      shopDomain: 'throttled-bare.myshopify.com',
      seedCustomers: 100,
      plan: { restoreRate: 20_000, maximumAvailable: 40_000 },
    });
    const { doc, client } = throttledClient(sustained());
    const store = createRecordStore<CustomerRecord>(doc, tables.names.Customers);
    const queue = new CapturingQueue();
    await queue.send([{ integrationId: integration.integrationId, trigger: 'initial' }]);
    const handler = harness.worker(queue, { writer: () => store });
    const { outcomes } = await harness.drain(handler, queue, { maxInvocations: 1 }).catch(() => ({
      outcomes: [] as { response: { batchItemFailures: unknown[] } }[],
    }));
    // The first attempt failed: the run is retrying, nothing concluded.
    const [run] = (await harness.stores().runs.list(integration.integrationId, { limit: 1 })).items;
    expect(run!.status).toBe('retrying');
    expect(run!.lastError).toMatch(/ProvisionedThroughputExceeded/);
    expect(outcomes.length === 0 || outcomes[0]!.response.batchItemFailures.length === 1).toBe(true);
    client.destroy();
  }, 120_000);
});

describe('a webhook meeting throttling', () => {
  const secret = `app-secret-${randomUUID()}`;
  const shopDomain = 'throttled-hooks.myshopify.com';

  const handlerWith = (throttling: (command: string) => boolean) => {
    const { doc, client, counts } = throttledClient(throttling);
    const pressure = createBackPressure({ maxConcurrency: 4, budgetMs: 2_000 });
    const store = createRecordStore<CustomerRecord>(doc, tables.names.Customers, {
      receipts: { tableName: tables.names.Idempotency },
      backPressure: pressure,
    });
    const integrations = createIntegrationStore(tables.doc, tables.names.Integrations);
    const handle = createWebhookHandler({
      integrations: createWebhookIntegrationLookup(tables.doc, tables.names.Integrations, integrations),
      secrets: { appSecrets: async () => [secret], integrationSecret: async () => undefined },
      topics: createTopicRegistry(resourceTopics(customersResource, store)),
      processed: createProcessedDeliveries(tables.doc, { tableName: tables.names.Idempotency }),
    });
    return { handle, client, counts, pressure };
  };

  beforeAll(async () => {
    const at = new Date().toISOString();
    await createIntegrationStore(tables.doc, tables.names.Integrations).put({
      integrationId: 'int-hooks',
      organizationId: 'org-hooks',
      shopDomain,
      status: 'ACTIVE',
      encryptedAccessToken: 'unused',
      createdAt: at,
      updatedAt: at,
    });
  });

  const delivery = (id: string) =>
    webhookEvent({
      secret,
      shop: shopDomain,
      topic: 'customers/update',
      body: customerBody({ id, updatedAt: new Date().toISOString() }),
    });

  it('retries its own throttled write and answers 200 when it lands', async () => {
    let left = 3;
    const { handle, client, counts } = handlerWith(
      (command) => command === 'TransactWriteItemsCommand' && left-- > 0,
    );
    const response = await handle(delivery('9100000000000000001'));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toMatchObject({ outcome: 'written' });
    expect(counts.throttled).toBe(3);
    expect(await harness.stores().customers.get('org-hooks', '9100000000000000001')).toBeDefined();
    client.destroy();
  });

  it('answers 500 (so Shopify retries) only after its retries within its 2 s budget, with nothing written', async () => {
    const { handle, client, counts, pressure } = handlerWith(
      (command) => command === 'TransactWriteItemsCommand',
    );
    const response = await handle(delivery('9100000000000000002'));
    expect(response.statusCode).toBe(500);
    expect(counts.throttled).toBeGreaterThan(3);
    // Waited between attempts, never past the budget that keeps it inside Shopify's 5 s.
    expect(pressure.stats().waitedMs).toBeGreaterThan(0);
    expect(pressure.stats().waitedMs).toBeLessThanOrEqual(2_000);
    expect(await harness.stores().customers.get('org-hooks', '9100000000000000002')).toBeUndefined();
    client.destroy();
  });
});
