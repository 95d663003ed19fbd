/**
 * Builds the integration-lifecycle adapters from the Lambda environment, once per cold start.
 * Shared by the API (integration and customer routes), the daily health check and the webhook
 * handler (compliance topics), so all run with identical wiring. No local-only paths: local emulators are reached through the SDK's
 * AWS_ENDPOINT_URL_* variables.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCustomerErasureStore } from '../adapters/dynamodb/customer-erasure-store.js';
import { createCustomerQueryStore } from '../adapters/dynamodb/customer-query-store.js';
import { z } from 'zod';
import {
  createDataExportStore,
  DEFAULT_DATA_EXPORT_RETENTION_DAYS,
} from '../adapters/dynamodb/data-export-store.js';
import { createRedactionLedger } from '../adapters/dynamodb/redaction-ledger.js';
import { createIntegrationLifecycleStore } from '../adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../adapters/dynamodb/sync-state-store.js';
import type { TableNames } from '../adapters/dynamodb/table-definitions.js';
import { logger } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { DEFAULT_ADMIN_URL_TEMPLATE, ShopifyAdminClient } from '../adapters/shopify/admin-client.js';
import { complianceTopics } from '../core/compliance/compliance-topics.js';
import type { CustomerStore } from '../core/customers/customer-writes.js';
import { createSyncStarter } from '../core/integrations/initial-sync.js';
import type { ShopifyConnector } from '../core/integrations/ports.js';
import type { SyncQueue } from '../core/sync/ports.js';
import { syncConfigFromEnv } from '../core/sync/config.js';
import type { IntegrationRouteDeps } from './routes/integrations.js';
import type { Integration } from '../core/integrations/integration.js';
import { type ReconcileDeps, runDeletionReconcile } from '../core/reconcile/deletion-reconcile.js';

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const shopifyConnectorFromEnv = (env: NodeJS.ProcessEnv): ShopifyConnector => {
  const apiVersion = env.SHOPIFY_API_VERSION ?? '2026-10';
  const urlTemplate = env.SHOPIFY_ADMIN_URL_TEMPLATE ?? DEFAULT_ADMIN_URL_TEMPLATE;
  return (shopDomain, accessToken) =>
    new ShopifyAdminClient({ shopDomain, accessToken, apiVersion, urlTemplate });
};

export const lifecycleDepsFromEnv = (
  doc: DynamoDBDocumentClient,
  tables: TableNames,
  queue: SyncQueue,
  env: NodeJS.ProcessEnv = process.env,
): IntegrationRouteDeps & { readonly customers: ReturnType<typeof createCustomerQueryStore> } => {
  const integrations = createIntegrationStore(doc, tables.Integrations);
  const config = syncConfigFromEnv(env);
  return {
    integrations,
    records: createIntegrationLifecycleStore(doc, tables.Integrations),
    customers: createCustomerQueryStore(doc, tables.Customers),
    erasure: createCustomerErasureStore(doc, tables.Customers),
    ledger: createRedactionLedger(doc, tables.Integrations),
    cipher: createKmsTokenCipher({ keyId: required(env, 'TOKEN_KEY_ID'), client: new KMSClient({}) }),
    shopify: shopifyConnectorFromEnv(env),
    sync: createSyncStarter({
      integrations,
      runs: createSyncRunStore(doc, tables.SyncRuns),
      state: createSyncStateStore(doc, tables.Integrations),
      queue,
      now: Date.now,
      runRetentionDays: config.runRetentionDays,
    }),
    webhookUri: required(env, 'WEBHOOK_CALLBACK_URL'),
    logger,
  };
};

/** DATA_EXPORT_RETENTION_DAYS (the `dataExportRetentionDays` context key); a bad value fails the cold start. */
const dataExportRetentionDays = (env: NodeJS.ProcessEnv): number => {
  const parsed = z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_DATA_EXPORT_RETENTION_DAYS)
    .safeParse(env.DATA_EXPORT_RETENTION_DAYS);
  if (!parsed.success) throw new Error('DATA_EXPORT_RETENTION_DAYS must be a positive integer');
  return parsed.data;
};

/** app/uninstalled and the privacy topics, for the webhook handler's topic registry. */
export const complianceTopicsFromEnv = (
  doc: DynamoDBDocumentClient,
  tables: TableNames,
  customerStore: { get: CustomerStore['get'] },
  env: NodeJS.ProcessEnv = process.env,
) => {
  const queries = createCustomerQueryStore(doc, tables.Customers);
  return complianceTopics({
    integrations: createIntegrationStore(doc, tables.Integrations),
    records: createIntegrationLifecycleStore(doc, tables.Integrations),
    customers: { ...queries, get: customerStore.get },
    erasure: createCustomerErasureStore(doc, tables.Customers),
    exports: createDataExportStore(doc, tables.Integrations, {
      retentionDays: dataExportRetentionDays(env),
    }),
    ledger: createRedactionLedger(doc, tables.Integrations),
    logger,
  });
};

/** The sync worker's post-sync step: finds deletes that webhooks missed (core/reconcile). */
export const deletionReconcileFromEnv = (
  doc: DynamoDBDocumentClient,
  tables: TableNames,
  customerStore: Pick<CustomerStore, 'markDeleted'>,
  env: NodeJS.ProcessEnv = process.env,
) => {
  const deps: ReconcileDeps = {
    cipher: createKmsTokenCipher({ keyId: required(env, 'TOKEN_KEY_ID'), client: new KMSClient({}) }),
    shopify: shopifyConnectorFromEnv(env),
    customers: createCustomerQueryStore(doc, tables.Customers),
    writes: customerStore,
    records: createIntegrationLifecycleStore(doc, tables.Integrations),
    logger,
    overlapMinutes: syncConfigFromEnv(env).overlapMinutes,
  };
  return async (integration: Integration, { deadline }: { readonly deadline: number }) => {
    const result = await runDeletionReconcile(integration, deps, { deadline });
    logger.info('Deletion reconcile', {
      integrationId: integration.integrationId,
      outcome: result.outcome,
      ...(result.outcome === 'reconciled' && { markedInactive: result.markedInactive.length }),
    });
    return result;
  };
};
