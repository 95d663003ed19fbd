/**
 * A lifecycle test world built from real components: DynamoDB Local tables, the Shopify
 * simulator over HTTP, the local KMS and Secrets Manager endpoints behind the real SDK clients,
 * the project's DynamoDB adapters, the real webhook handler, and a Powertools logger whose every
 * line is captured so tests can scan it for secrets.
 */
import { expect } from 'vitest';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { webhookTopicsFor } from '../../../lambdas/core/integrations/webhook-subscriptions.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { createHmac } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createRecordErasureStore } from '../../../lambdas/adapters/dynamodb/record-erasure-store.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createDataExportStore } from '../../../lambdas/adapters/dynamodb/data-export-store.js';
import { createRedactionLedger } from '../../../lambdas/adapters/dynamodb/redaction-ledger.js';
import { createProcessedDeliveries } from '../../../lambdas/adapters/dynamodb/processed-deliveries.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { createIntegrationLifecycleStore } from '../../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createWebhookIntegrationLookup } from '../../../lambdas/adapters/dynamodb/webhook-integration-lookup.js';
import { createSyncRunStore } from '../../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import { createKmsTokenCipher } from '../../../lambdas/adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../../../lambdas/adapters/secrets/webhook-secrets.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import { complianceTopics } from '../../../lambdas/core/compliance/compliance-topics.js';
import { createSyncStarter } from '../../../lambdas/core/integrations/initial-sync.js';
import type { ShopifyConnector } from '../../../lambdas/core/integrations/ports.js';
import type { SyncMessage } from '../../../lambdas/core/sync/sync-run.js';
import { resourceTopics } from '../../../lambdas/core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../../../lambdas/core/webhooks/topic-registry.js';
import { createWebhookHandler } from '../../../lambdas/handlers/webhook.js';
import { type AwsEndpoint, startAwsJsonEndpoint } from '../../../local/aws/json-protocol.js';
import { createLocalKms } from '../../../local/aws/kms-endpoint.js';
import { createLocalSecretsManager } from '../../../local/aws/secrets-manager-endpoint.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import type { TestTables } from '../../support/dynamo.js';

export const WEBHOOK_URI = 'https://hooks.example.test/webhooks/shopify';

/** Everything written to stdout/stderr while the world runs (Powertools writes JSON lines there). */
export const captureOutput = () => {
  const lines: string[] = [];
  const originals = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const tap =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    lines,
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
};

export type World = Awaited<ReturnType<typeof startWorld>>;

export async function startWorld(tables: TestTables) {
  const simulator: ShopifySimulator = await startShopifySimulator();
  const kms = createLocalKms();
  const secretsManager = createLocalSecretsManager();
  const aws: AwsEndpoint = await startAwsJsonEndpoint([kms.service, secretsManager.service]);
  const awsClientConfig = {
    endpoint: aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const keyArn = kms.createKey('alias/tokens');
  const appSecretArn = secretsManager.putSecret('shopify-app-secret', simulator.appSecret);

  const doc = createDocumentClient(tables.client);
  const names = tables.names;
  const logger = new Logger({ serviceName: 'lifecycle-test', logLevel: 'DEBUG' });
  const metrics = new Metrics({ serviceName: 'lifecycle-test', namespace: 'LifecycleTest' });

  const cipher = createKmsTokenCipher({ keyId: keyArn, client: new KMSClient(awsClientConfig) });
  const integrations = createIntegrationStore(doc, names.Integrations);
  const records = createIntegrationLifecycleStore(doc, names.Integrations);
  const customerStore = createRecordStore<CustomerRecord>(doc, names.Customers, {
    receipts: { tableName: names.Idempotency },
  });
  const customers = createRecordQueryStore(doc, names.Customers);
  const erasure = createRecordErasureStore(doc, names.Customers, customersResource);
  const exports = createDataExportStore(doc, names.Integrations);
  const ledger = createRedactionLedger(doc, names);
  const runs = createSyncRunStore(doc, names.SyncRuns);
  const state = createSyncStateStore(doc, names.Integrations);

  const queued: SyncMessage[] = [];
  const queue = {
    async send(messages: readonly SyncMessage[]) {
      queued.push(...messages);
      return { sent: messages.length, failed: [] };
    },
  };
  const shopify: ShopifyConnector = (shopDomain, accessToken) =>
    new ShopifyAdminClient({
      shopDomain,
      accessToken,
      apiVersion: SHOPIFY_API_VERSION,
      urlTemplate: simulator.adminUrlTemplate,
      maxAttempts: 2,
      backoffBaseMs: 1,
    });
  const sync = createSyncStarter({ integrations, runs, state, queue, now: Date.now, runRetentionDays: 1 });

  const lifecycle = {
    integrations,
    records,
    cipher,
    shopify,
    sync,
    customers,
    mirrors: [{ name: 'customers', inventory: customers, erasure }],
    exports,
    ledger,
    logger,
    webhookUri: WEBHOOK_URI,
    webhookTopics: webhookTopicsFor([customersResource], [customersResource]),
  };
  const compliance = complianceTopics({ ...lifecycle, customers: customerStore });
  const webhook = createWebhookHandler({
    integrations: createWebhookIntegrationLookup(doc, names.Integrations, integrations),
    secrets: createWebhookSecrets({
      appSecretArn,
      cipher,
      secretsClient: new SecretsManagerClient(awsClientConfig),
    }),
    processed: createProcessedDeliveries(doc, { tableName: names.Idempotency }),
    topics: createTopicRegistry(resourceTopics(customersResource, customerStore), compliance),
    logger,
    metrics,
  });

  let webhookSequence = 0;
  /** Posts a delivery to the real webhook handler, signed as Shopify signs it. */
  const deliver = async (shopDomain: string, topic: string, body: string, secret = simulator.appSecret) => {
    webhookSequence += 1;
    const event = {
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
        'x-shopify-shop-domain': shopDomain,
        'x-shopify-topic': topic,
        'x-shopify-webhook-id': `wh-${Date.now()}-${webhookSequence}`,
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-api-version': SHOPIFY_API_VERSION,
      },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const response = await webhook(event);
    return {
      status: response.statusCode ?? 0,
      body: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };

  /** Feeds the simulator's captured deliveries (customers/*, app/uninstalled) to the handler. */
  const deliverCaptured = async (shopDomain: string) => {
    const results = [];
    for (const delivery of simulator.shop(shopDomain).takeDeliveries()) {
      const event = {
        headers: delivery.headers,
        body: delivery.body,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      results.push(await webhook(event));
    }
    return results;
  };

  return {
    simulator,
    tables,
    doc,
    lifecycle,
    customerStore,
    compliance,
    queued,
    deliver,
    deliverCaptured,
    /**
     * What the next sync does once Shopify answers 401 to a store with an app/uninstalled claim
     * (run-sync.ts; end to end in local-runtime/privacy-replay.test.ts): this world has no worker.
     */
    async confirmUninstall(integrationId: string) {
      const claimed = (await integrations.get(integrationId))?.uninstallClaimedAt;
      if (!claimed) throw new Error(`${integrationId} has no uninstall claim`);
      expect(await state.confirmUninstall(integrationId, claimed, new Date().toISOString())).toBe(true);
    },
    async stop() {
      await simulator.stop();
      await aws.stop();
    },
  };
}
