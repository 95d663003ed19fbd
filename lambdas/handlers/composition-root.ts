/**
 * The one place that turns the Lambda environment into adapters. Each handler asks for the
 * dependencies it needs (`apiDeps`, `syncWorkerDeps`, ...) once per cold start; every handler is
 * wired the same way, and a new setting or adapter is added here only. (Handlers import this
 * module, never the reverse: their factories type-check what it returns at the call site.) No local-only paths:
 * local emulators are reached through the SDK's AWS_ENDPOINT_URL_* variables.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createCustomerErasureStore } from '../adapters/dynamodb/customer-erasure-store.js';
import { createCustomerQueryStore } from '../adapters/dynamodb/customer-query-store.js';
import { createCustomerStore } from '../adapters/dynamodb/customer-store.js';
import { createDataExportStore } from '../adapters/dynamodb/data-export-store.js';
import { createDocumentClient } from '../adapters/dynamodb/document-client.js';
import { createIntegrationLifecycleStore } from '../adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createProcessedDeliveries } from '../adapters/dynamodb/processed-deliveries.js';
import { createRedactionLedger } from '../adapters/dynamodb/redaction-ledger.js';
import { createSyncRunStore } from '../adapters/dynamodb/sync-run-store.js';
import { createDueIntegrations, createSyncStateStore } from '../adapters/dynamodb/sync-state-store.js';
import { logger } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../adapters/secrets/webhook-secrets.js';
import { ShopifyAdminClient } from '../adapters/shopify/admin-client.js';
import { createSqsSyncQueue } from '../adapters/sqs/sync-queue.js';
import { complianceTopics } from '../core/compliance/compliance-topics.js';
import { createSyncStarter } from '../core/integrations/initial-sync.js';
import type { Integration } from '../core/integrations/integration.js';
import type { ShopifyConnector } from '../core/integrations/ports.js';
import { type ReconcileDeps, runDeletionReconcile } from '../core/reconcile/deletion-reconcile.js';
import { customersResource } from '../core/resources/customers.js';
import { type SyncConfig, syncedResource } from '../core/sync/run-sync.js';
import { customerTopics } from '../core/webhooks/customer-topics.js';
import { createTopicRegistry } from '../core/webhooks/topic-registry.js';
import { type LambdaSettings, parseLambdaEnvironment } from './environment.js';

/** Sync settings of the core, from the parsed environment. */
export const syncConfigOf = (settings: LambdaSettings): SyncConfig => ({
  minSyncIntervalMinutes: settings.MIN_SYNC_INTERVAL_MINUTES,
  overlapMinutes: settings.SYNC_OVERLAP_MINUTES,
  leaseTtlMs: settings.SYNC_LEASE_TTL_SECONDS * 1000,
  maxReceives: settings.SYNC_MAX_RECEIVES,
  runRetentionDays: settings.SYNC_RUN_RETENTION_DAYS,
  writeConcurrency: settings.SYNC_WRITE_CONCURRENCY,
});

/** Every adapter a handler may need, built lazily from one parsed environment. */
export const compose = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const { tables } = settings;
  const dynamo = new DynamoDBClient({});
  const doc = createDocumentClient(dynamo);
  const config = syncConfigOf(settings);
  const integrations = createIntegrationStore(doc, tables.Integrations);
  const records = createIntegrationLifecycleStore(doc, tables.Integrations);
  const runs = createSyncRunStore(doc, tables.SyncRuns);
  const state = createSyncStateStore(doc, tables.Integrations);
  const queue = createSqsSyncQueue({ client: new SQSClient({}), queueUrl: settings.SYNC_QUEUE_URL });
  const cipher = createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: new KMSClient({}) });
  const shopify: ShopifyConnector = (shopDomain, accessToken) =>
    new ShopifyAdminClient({
      shopDomain,
      accessToken,
      apiVersion: settings.SHOPIFY_API_VERSION,
      urlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
    });
  // Webhook writes record their body's receipt in the same transaction (replay guard).
  const receipts = { tableName: tables.Idempotency };
  const customers = createCustomerStore(doc, tables.Customers, { receipts });
  const customerQueries = createCustomerQueryStore(doc, tables.Customers);
  const erasure = createCustomerErasureStore(doc, tables.Customers);
  const ledger = createRedactionLedger(doc, tables.Integrations);
  return {
    settings,
    config,
    dynamo,
    doc,
    integrations,
    records,
    runs,
    state,
    queue,
    cipher,
    shopify,
    customers,
    customerQueries,
    erasure,
    ledger,
    receipts,
    logger,
    syncStarter: createSyncStarter({
      integrations,
      runs,
      state,
      queue,
      now: Date.now,
      runRetentionDays: config.runRetentionDays,
    }),
  };
};

export type Composition = ReturnType<typeof compose>;

/** The integration lifecycle (connect, describe, disconnect, purge, webhook checks). */
const lifecycleDeps = (c: Composition) => ({
  integrations: c.integrations,
  records: c.records,
  customers: c.customerQueries,
  erasure: c.erasure,
  ledger: c.ledger,
  cipher: c.cipher,
  shopify: c.shopify,
  sync: c.syncStarter,
  webhookUri: c.settings.WEBHOOK_CALLBACK_URL,
  logger: c.logger,
});

export const apiDeps = (c: Composition) => ({
  sync: { integrations: c.integrations, runs: c.runs, state: c.state, queue: c.queue, config: c.config },
  integrations: lifecycleDeps(c),
  customers: c.customerQueries,
});

export const fanOutDeps = (c: Composition) => ({
  due: createDueIntegrations(c.doc, c.settings.tables.Integrations),
  queue: c.queue,
  minSyncIntervalMinutes: c.config.minSyncIntervalMinutes,
});

export const healthCheckDeps = (c: Composition) => lifecycleDeps(c);

export const webhookDeps = (c: Composition) => ({
  integrations: c.integrations,
  customers: c.customers,
  topics: createTopicRegistry(
    customerTopics(c.customers),
    complianceTopics({
      integrations: c.integrations,
      records: c.records,
      customers: { ...c.customerQueries, get: c.customers.get },
      erasure: c.erasure,
      exports: createDataExportStore(c.doc, c.settings.tables.Integrations, {
        retentionDays: c.settings.DATA_EXPORT_RETENTION_DAYS,
      }),
      ledger: c.ledger,
      logger: c.logger,
    }),
  ),
  secrets: createWebhookSecrets({ appSecretArn: c.settings.APP_SECRET_ARN, cipher: c.cipher }),
  processed: createProcessedDeliveries(c.doc, c.receipts),
});

export const syncWorkerDeps = (c: Composition) => ({
  integrations: c.integrations,
  runs: c.runs,
  state: c.state,
  queue: c.queue,
  tokens: c.cipher,
  graphqlFor: (integration: Integration, accessToken: string) =>
    c.shopify(integration.shopDomain, accessToken),
  resources: [syncedResource(customersResource, c.customers)],
  config: c.config,
  afterSync: deletionReconcile(c),
});

/** The sync worker's post-sync step: finds deletes that webhooks missed (core/reconcile). */
const deletionReconcile = (c: Composition) => {
  const deps: ReconcileDeps = {
    cipher: c.cipher,
    shopify: c.shopify,
    customers: c.customerQueries,
    writes: c.customers,
    records: c.records,
    logger: c.logger,
    overlapMinutes: c.config.overlapMinutes,
  };
  return async (integration: Integration, { deadline }: { readonly deadline: number }) => {
    const result = await runDeletionReconcile(integration, deps, { deadline });
    c.logger.info('Deletion reconcile', {
      integrationId: integration.integrationId,
      outcome: result.outcome,
      ...(result.outcome === 'reconciled' && { markedInactive: result.markedInactive.length }),
    });
    return result;
  };
};

let shared: Composition | undefined;

/** One composition per Lambda container (cold start), shared by whichever handler runs in it. */
export const composition = (): Composition => (shared ??= compose());
