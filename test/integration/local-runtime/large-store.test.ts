import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { PaginationLimitBehaviour } from '../../../local/shopify-simulator/connection.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * A store larger than Shopify's listing limit mirrors exactly through the local runtime (real
 * handlers, local SQS, the simulator), whether the listing errors past the limit or stops
 * silently at it: the initial sync, then webhooks, then a manual sync. At a reduced limit here;
 * `npm run bench` runs the 30,000-customer version.
 */
let runtime: LocalRuntime;
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-40).join('\n'))));

const LIMIT = 300;
const CUSTOMERS = 800;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('ls'),
    demoShop: false,
    resources: ['customers'],
    listingLimit: LIMIT,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 60 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
});
afterAll(() => runtime?.stop());

const doc = () =>
  createDocumentClient(
    new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );

/** shopifyId → [updatedAt, status] of every stored customer of the organization. */
const mirror = async (organizationId: string) => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc().send(
      new QueryCommand({
        TableName: runtime.tableNames.Customers,
        KeyConditionExpression: 'organizationId = :org',
        ExpressionAttributeValues: { ':org': organizationId },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return new Map(items.map((item) => [String(item['shopifyId']), `${String(item['status'])}`]));
};

describe.each<PaginationLimitBehaviour>(['error', 'silentStop'])(
  'a store larger than the listing limit (limit: %s)',
  (behaviour) => {
    it('mirrors exactly after the initial sync, webhooks and a manual sync', async () => {
      const name = `large-${behaviour.toLowerCase()}`;
      const shopDomain = `${name}.myshopify.com`;
      const organizationId = `org-${name}`;
      const shop = runtime.shopify.simulator!.createShop({
        shopDomain,
        accessToken: `shpat_${name}`,
        seedCustomers: CUSTOMERS,
        plan: { restoreRate: 20_000, maximumAvailable: 40_000 },
        maxPaginatedObjects: LIMIT,
        paginationLimitBehaviour: behaviour,
      });
      const expected = () => new Map(shop.resources.customers.list().map((c) => [c.id, 'ACTIVE']));
      const connected = await fetch(`${runtime.apiUrl}/organizations/${organizationId}/integrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shopDomain, accessToken: `shpat_${name}` }),
      });
      expect(connected.status).toBe(201);
      const { integration } = (await connected.json()) as { integration: { integrationId: string } };

      // Generous: DynamoDB Local shares two cores with everything else the tests run.
      await expect
        .poll(async () => (await mirror(organizationId)).size, { timeout: 150_000 })
        .toBe(CUSTOMERS);
      expect(await mirror(organizationId)).toEqual(expected());

      // Webhooks: an update, a creation and a deletion arrive signed through the public route.
      const [first, second] = shop.resources.customers.list();
      shop.resources.customers.update(first!.id, { firstName: 'Changed' });
      shop.resources.customers.create({ firstName: 'New', email: `new-${name}@example.com` });
      shop.resources.customers.delete(second!.id);
      await shop.flushDeliveries();
      const afterWebhooks = new Map(expected());
      afterWebhooks.set(second!.id, 'INACTIVE');
      await expect.poll(async () => mirror(organizationId), { timeout: 60_000 }).toEqual(afterWebhooks);

      // Changes the webhooks never delivered: the manual sync brings them in.
      shop.setDelivery({ capture: true });
      const missed = shop.resources.customers.create({
        firstName: 'Missed',
        email: `missed-${name}@example.com`,
      });
      shop.takeDeliveries();
      // force: the initial sync finished moments ago; 409 while its reconcile still holds the lease.
      const requestSync = async () =>
        (
          await fetch(
            `${runtime.apiUrl}/organizations/${organizationId}/integrations/${integration.integrationId}/sync?force=true`,
            { method: 'POST', headers: { 'content-type': 'application/json' } },
          )
        ).status;
      await expect.poll(requestSync, { timeout: 60_000, interval: 500 }).toBe(202);
      afterWebhooks.set(missed.id, 'ACTIVE');
      await expect.poll(async () => mirror(organizationId), { timeout: 60_000 }).toEqual(afterWebhooks);
      expect(shop.requests().flatMap((r) => r.errorCodes)).not.toContain('PAGINATION_LIMIT_EXCEEDED');
    }, 300_000);
  },
);
