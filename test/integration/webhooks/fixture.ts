/** A webhook handler wired to DynamoDB Local, two stores (A uses the app secret, B its own), and a write counter. */
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll } from 'vitest';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createProcessedDeliveries } from '../../../lambdas/adapters/dynamodb/processed-deliveries.js';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createWebhookIntegrationLookup } from '../../../lambdas/adapters/dynamodb/webhook-integration-lookup.js';
import { createWebhookDeliveryCounts } from '../../../lambdas/adapters/dynamodb/webhook-delivery-counts.js';
import type { RecordStore, RecordWrites } from '../../../lambdas/core/records/record-writes.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import type { WebhookSecrets } from '../../../lambdas/core/webhooks/authenticate.js';
import { createWebhookHandler } from '../../../lambdas/handlers/webhook.js';
import { useTestTables } from '../../support/dynamo.js';
import { localTokenCipher } from '../../support/webhook-delivery.js';

export const RECEIVED_AT = '2026-03-02T00:00:00.000Z';
export const APP_SECRET = `app-secret-${randomUUID()}`;
export const B_SECRET = `b-own-secret-${randomUUID()}`;

const integration = (
  id: string,
  org: string,
  shop: string,
  extra: Partial<Integration> = {},
): Integration => ({
  integrationId: id,
  organizationId: org,
  shopDomain: shop,
  status: 'ACTIVE',
  encryptedAccessToken: 'not-used-here',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

export function useWebhookFixture() {
  const tables = useTestTables();
  const cipher = localTokenCipher();
  const f = {
    tables,
    shopA: 'shop-a.myshopify.com',
    shopB: 'shop-b.myshopify.com',
    shopC: 'shop-c.myshopify.com',
    shopInactive: 'shop-gone.myshopify.com',
    writes: 0,
    failNextWrite: false,
  } as {
    tables: typeof tables;
    shopA: string;
    shopB: string;
    /** Another tenant on the app secret, like A: the target of cross-store replays. */
    shopC: string;
    shopInactive: string;
    writes: number;
    /** The next customer write throws (a DynamoDB outage), as a real one would, before writing. */
    failNextWrite: boolean;
    store: RecordStore<CustomerRecord>;
    handle: ReturnType<typeof createWebhookHandler>;
    customerItems(): Promise<Record<string, unknown>[]>;
  };

  beforeAll(async () => {
    const integrations = createIntegrationStore(tables.doc, tables.names.Integrations);
    await integrations.put(integration('int-a', 'org-a', f.shopA));
    await integrations.put(
      integration('int-b', 'org-b', f.shopB, {
        encryptedWebhookSecret: await cipher.encrypt(B_SECRET, { integrationId: 'int-b' }),
      }),
    );
    await integrations.put(integration('int-c', 'org-c2', f.shopC));
    await integrations.put(
      integration('int-gone', 'org-c', f.shopInactive, { status: 'INACTIVE', statusReason: 'uninstalled' }),
    );
    f.store = createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, {
      receipts: { tableName: tables.names.Idempotency },
    });
    const counted: RecordWrites<CustomerRecord> = {
      upsert: async (record, receipt) => {
        f.writes += 1;
        if (f.failNextWrite) {
          f.failNextWrite = false;
          throw new Error('DynamoDB unavailable');
        }
        return f.store.upsert(record, receipt);
      },
      markDeleted: async (...args) => {
        f.writes += 1;
        return f.store.markDeleted(...args);
      },
    };
    const secrets: WebhookSecrets = {
      appSecrets: async () => [APP_SECRET],
      integrationSecret: async (i) =>
        i.encryptedWebhookSecret === undefined
          ? undefined
          : cipher.decrypt(i.encryptedWebhookSecret, { integrationId: i.integrationId }),
    };
    // Store B has a secret of its own, recorded as connect records it.
    await createIntegrationLifecycleStore(
      tables.doc,
      tables.names.Integrations,
    ).recordOwnWebhookSecretInUse();
    f.handle = createWebhookHandler({
      integrations: createWebhookIntegrationLookup(tables.doc, tables.names.Integrations, integrations),
      secrets,
      topics: createTopicRegistry(resourceTopics(customersResource, counted)),
      processed: createProcessedDeliveries(tables.doc, { tableName: tables.names.Idempotency }),
      deliveries: createWebhookDeliveryCounts(tables.doc, tables.names.SyncRuns),
      // The tests' deliveries were triggered on 2026-03-01: they arrive within Shopify's window.
      now: () => Date.parse(RECEIVED_AT),
    });
    f.customerItems = async () =>
      (await tables.doc.send(new ScanCommand({ TableName: tables.names.Customers, ConsistentRead: true })))
        .Items ?? [];
  });
  return f;
}

/** A customer id above 2^53, unique per call, as Shopify's are. */
let sequence = 0;
export const newCustomerId = (): string =>
  (7000000000000000000n + BigInt(Date.now() % 1e9) * 1000n + BigInt(sequence++)).toString();
