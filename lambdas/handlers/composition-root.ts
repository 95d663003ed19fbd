/**
 * The one place that turns the Lambda environment into adapters. Each handler asks for the
 * dependencies it needs (`apiDeps`, `syncWorkerDeps`, ...) once per cold start; every handler is
 * wired the same way, and a new setting or adapter is added here only — except the webhook's,
 * which has a lean composition of its own (webhook-composition.ts) so that its cold start does
 * not evaluate clients an ordinary delivery never uses. (Handlers import this
 * module, never the reverse: their factories type-check what it returns at the call site.) No local-only paths:
 * local emulators are reached through the SDK's AWS_ENDPOINT_URL_* variables.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRecordErasureStore } from '../adapters/dynamodb/record-erasure-store.js';
import { createRecordQueryStore } from '../adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../adapters/dynamodb/record-store.js';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { createIntegrationLifecycleStore } from '../adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createRedactionLedger } from '../adapters/dynamodb/redaction-ledger.js';
import { createGrantedScopesStore } from '../adapters/dynamodb/granted-scopes-store.js';
import { createSyncRunStore } from '../adapters/dynamodb/sync-run-store.js';
import { createWebhookDeliveryCounts } from '../adapters/dynamodb/webhook-delivery-counts.js';
import { createDueIntegrations, createSyncStateStore } from '../adapters/dynamodb/sync-state-store.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { scanIntegrationStates } from '../adapters/dynamodb/integration-census.js';
import { logger, metrics, traced } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createSqsRetryScheduler, createSqsSyncQueue } from '../adapters/sqs/sync-queue.js';
import { createJsonlReader } from '../adapters/shopify/jsonl-lines.js';
import { createSyncStarter } from '../core/integrations/initial-sync.js';
import type { Integration } from '../core/integrations/integration.js';
import { type ReconcileDeps, runDeletionReconcile } from '../core/reconcile/deletion-reconcile.js';
import { createReconcileListingStore } from '../adapters/dynamodb/reconcile-listing-store.js';
import { checkIntegrationWebhooks } from '../core/integrations/webhook-health-check.js';
import { webhookTopicsFor } from '../core/integrations/webhook-subscriptions.js';
import type { MirroredRecord } from '../resources/kit/mirrored-record.js';
import {
  configuredResources,
  type RecordOfTable,
  registeredResources,
  type ResourceTableId,
} from '../resources/registry.js';
import type { ResourceDefinition } from '../resources/kit/definition.js';
import { defaultSyncConfig, type SyncConfig } from '../core/sync-config.js';
import { syncedResource } from '../core/sync/resource-loop.js';
import type { SyncDeps } from '../core/sync/run-sync.js';
import { resourceTopics } from '../core/webhooks/resource-topics.js';
import { type LambdaSettings, parseLambdaEnvironment, queueUrlsOf } from './environment.js';
import { createInstallStateStore } from '../adapters/dynamodb/install-state-store.js';
import type { AccessTokenSource } from '../core/credentials/credentials.js';
import { requiredScopes } from '../core/integrations/access-scopes.js';

import { recordStoreOf } from './mirror-stores.js';
import { adminAccessOf } from './admin-access-composition.js';
import { readsShardedIndex, type UpdatedSinceIndexStep } from '../adapters/dynamodb/table-definitions.js';
import { type BackPressure, createBackPressure } from '../adapters/dynamodb/back-pressure.js';

/** Sync settings of the core, from the parsed environment. */
export const syncConfigOf = (settings: LambdaSettings): SyncConfig => ({
  minSyncIntervalMinutes: settings.MIN_SYNC_INTERVAL_MINUTES,
  overlapMinutes: settings.SYNC_OVERLAP_MINUTES,
  leaseTtlMs: settings.SYNC_LEASE_TTL_SECONDS * 1000,
  maxReceives: settings.SYNC_MAX_RECEIVES,
  runRetentionDays: settings.SYNC_RUN_RETENTION_DAYS,
  writeConcurrency: settings.SYNC_WRITE_CONCURRENCY,
  bulkThreshold: settings.BULK_SYNC_THRESHOLD,
  maxObjectsPerQuery: settings.SHOPIFY_LISTING_LIMIT,
  retryBaseSeconds: settings.SYNC_RETRY_BASE_SECONDS,
  retryMaxSeconds: settings.SYNC_RETRY_MAX_SECONDS,
  bulkWaitInInvocationMs: defaultSyncConfig.bulkWaitInInvocationMs,
  bulkWakeFallbackSeconds: defaultSyncConfig.bulkWakeFallbackSeconds,
});

/** One mirrored resource with its adapters: the write rules, the reads, and erasure. */
const mirrorOf = <TRecord extends MirroredRecord>(
  doc: DynamoDBDocumentClient,
  tables: LambdaSettings['tables'],
  definition: ResourceDefinition<unknown, TRecord, ResourceTableId>,
  backPressure: BackPressure,
  updatedSinceIndex: UpdatedSinceIndexStep,
) => {
  const tableName = tables[definition.table.id];
  const store = recordStoreOf<TRecord>(doc, tables, definition, backPressure);
  return {
    definition,
    name: definition.name,
    store,
    queries: createRecordQueryStore(doc, tableName, {
      updatedSinceIndex: readsShardedIndex(updatedSinceIndex) ? 'sharded' : 'unsharded',
    }),
    inventory: createRecordQueryStore(doc, tableName),
    erasure: createRecordErasureStore(doc, tableName, definition),
    synced: syncedResource(definition, store),
    topics: resourceTopics(definition, store),
  };
};

/** Every adapter a handler may need, built from one parsed environment (no network until used). */
export const compose = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const { tables } = settings;
  // Traced: each AWS call is an X-Ray subsegment when tracing is on (a no-op otherwise).
  const dynamo = traced(createDynamoDbClient());
  const doc = createDocumentClient(dynamo);
  const config = syncConfigOf(settings);
  const integrations = createIntegrationStore(doc, tables.Integrations);
  const records = createIntegrationLifecycleStore(doc, tables.Integrations);
  const runs = createSyncRunStore(doc, tables.SyncRuns);
  const state = createSyncStateStore(doc, tables.Integrations);
  const sqs = traced(new SQSClient({}));
  const queue = createSqsSyncQueue({ client: sqs, ...queueUrlsOf(settings) });
  const cipher = createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: traced(new KMSClient({})) });
  const { appSecrets, tokenEndpoint, events, tokens, shopify } = adminAccessOf(settings, doc, cipher);
  // Every resource as the deployment configures it (metafield namespaces in the owners' documents).
  const configured = configuredResources(settings.METAFIELD_NAMESPACES);
  // The deployment's resources (CDK context `resources`), in registration order.
  const mirrored = configured.filter((definition) => settings.SYNCED_RESOURCES.includes(definition.name));
  // Erasure reaches every registered resource's table: data mirrored before a resource was
  // deselected is personal data all the same.
  // One limiter for every record write of this Lambda: a throttled table slows its writers down
  // (a minute's patience per write; beyond it the attempt fails and SQS retries it from its checkpoint).
  const writePressure = createBackPressure({ maxConcurrency: config.writeConcurrency, budgetMs: 60_000 });
  const everyMirror = configured.map((definition) =>
    mirrorOf(doc, tables, definition, writePressure, settings.UPDATED_SINCE_INDEX),
  );
  const mirrors = everyMirror.filter((mirror) => settings.SYNCED_RESOURCES.includes(mirror.name));
  const ledger = createRedactionLedger(doc, tables);
  /**
   * What each mirrored resource needs from Shopify's grant, and where a check is recorded. Connect,
   * every sync run and the token refresh (recordGrantedScopes with the token response's `scope`)
   * go through it.
   */
  const scopes = {
    store: createGrantedScopesStore(doc, tables.Integrations),
    resources: settings.SYNCED_RESOURCES,
    options: { fullHistory: settings.READ_ALL_ORDERS },
  };
  return {
    settings,
    config,
    sqs,
    bulkResults: createJsonlReader(),
    dynamo,
    doc,
    integrations,
    records,
    runs,
    state,
    queue,
    cipher,
    shopify,
    tokens,
    tokenEndpoint,
    appSecrets,
    installStates: createInstallStateStore(doc, tables.Integrations),
    mirrors,
    everyMirror,
    /** The customer table's own store, outside the resource list (the chaos run wraps it). */
    customers: createRecordStore<RecordOfTable<'Customers'>>(doc, tables.Customers),
    webhookTopics: webhookTopicsFor(mirrored, registeredResources),
    ledger,
    scopes,
    logger,
    events,
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
  mirrors: c.everyMirror,
  ledger: c.ledger,
  cipher: c.cipher,
  shopify: c.shopify,
  tokens: c.tokens,
  ...(c.tokenEndpoint && { tokenEndpoint: c.tokenEndpoint }),
  distribution: c.settings.SHOPIFY_APP_DISTRIBUTION,
  sync: c.syncStarter,
  webhookUri: c.settings.WEBHOOK_CALLBACK_URL,
  // Subscriptions point at the partner event source in eventbridge mode (webhook-subscriptions.ts).
  viaEventBridge: c.settings.WEBHOOK_DELIVERY === 'eventbridge',
  ...(c.settings.SHOPIFY_EVENT_SOURCE_ARN && { eventSourceArn: c.settings.SHOPIFY_EVENT_SOURCE_ARN }),
  webhookTopics: c.webhookTopics,
  scopes: c.scopes,
  logger: c.logger,
  events: c.events,
});

/** The install flow: the app's settings, the pending states, and connect once the code is exchanged. */
const installDeps = (c: Composition) =>
  c.tokenEndpoint && {
    states: c.installStates,
    endpoint: c.tokenEndpoint,
    appSecrets: () => c.appSecrets.appSecrets(),
    settings: {
      clientId: c.settings.SHOPIFY_APP_CLIENT_ID,
      scopes: requiredScopes(c.settings.SYNCED_RESOURCES, { fullHistory: c.settings.READ_ALL_ORDERS }),
      callbackUrl: c.settings.OAUTH_CALLBACK_URL,
      shopUrlTemplate: c.settings.SHOPIFY_SHOP_URL_TEMPLATE,
      allowedReturnUrls: c.settings.INSTALL_RETURN_URLS,
    },
  };

export const apiDeps = (c: Composition) => ({
  sync: {
    integrations: c.integrations,
    runs: c.runs,
    state: c.state,
    queue: c.queue,
    config: c.config,
    deliveries: createWebhookDeliveryCounts(c.doc, c.settings.tables.SyncRuns),
  },
  integrations: lifecycleDeps(c),
  install: installDeps(c),
  readers: c.mirrors,
});

export const fanOutDeps = (c: Composition) => ({
  due: createDueIntegrations(c.doc, c.settings.tables.Integrations),
  queue: c.queue,
  minSyncIntervalMinutes: c.config.minSyncIntervalMinutes,
  census: {
    integrations: scanIntegrationStates(c.doc, c.settings.tables.Integrations),
    staleAfterMs: c.settings.STALE_AFTER_MINUTES * 60_000,
    webhooksSilentAfterMs: c.settings.WEBHOOKS_SILENT_AFTER_MINUTES * 60_000,
    countNonExpiring: c.settings.SHOPIFY_APP_DISTRIBUTION === 'public',
  },
});

export const healthCheckDeps = (c: Composition) => lifecycleDeps(c);

export const syncWorkerDeps = (c: Composition) => ({
  integrations: c.integrations,
  runs: c.runs,
  state: c.state,
  queue: c.queue,
  tokens: c.cipher,
  credentials: c.tokens,
  graphqlFor: (integration: Integration, accessToken: string | AccessTokenSource) =>
    c.shopify(integration.shopDomain, accessToken),
  resources: c.mirrors.map((mirror) => mirror.synced),
  config: c.config,
  bulkResults: c.bulkResults,
  retries: createSqsRetryScheduler({ client: c.sqs, ...queueUrlsOf(c.settings) }),
  afterSync: deletionReconcile(c),
  events: c.events,
  webhooksSilentAfterMs: c.settings.WEBHOOKS_SILENT_AFTER_MINUTES * 60_000,
  scopes: {
    ...c.scopes,
    // The topics of a resource just granted are subscribed now, not at the next daily check.
    onGranted: (integration: Integration) => checkIntegrationWebhooks(integration, lifecycleDeps(c)),
  },
});

/**
 * The sync worker's post-sync step, resource by resource, under the sync's lease: finds deletes
 * that webhooks missed and records the listing missed (core/reconcile).
 */
const deletionReconcile =
  (c: Composition) =>
  async (integration: Integration, options: Parameters<NonNullable<SyncDeps['afterSync']>>[1]) => {
    for (const mirror of c.mirrors) {
      // Refused by Shopify in this run (MISSING_SCOPE, ACCESS_DENIED): its listing would be too.
      if (integration.resourceAttention?.[mirror.name]) continue;
      const deps: ReconcileDeps = {
        cipher: c.cipher,
        shopify: c.shopify,
        tokens: c.tokens,
        resource: mirror.definition,
        inventory: mirror.inventory,
        writes: mirror.store,
        records: c.records,
        logger: c.logger,
        overlapMinutes: c.config.overlapMinutes,
        listingLimit: c.settings.SHOPIFY_LISTING_LIMIT,
        bulk: {
          results: c.bulkResults,
          threshold: c.config.bulkThreshold,
          listings: createReconcileListingStore(c.doc, c.settings.tables.SyncRuns),
        },
        // Retried at most daily or on a change (isReconcileDue): the metric stays rare per store.
        onLastingMismatch: () => metrics.addMetric('ReconcileCountMismatch', MetricUnit.Count, 1),
      };
      const { shopifyCounts, ...reconcileOptions } = options;
      const result = await runDeletionReconcile(integration, deps, {
        ...reconcileOptions,
        shopifyCount: shopifyCounts[mirror.name],
      });
      // An hour whose counts agree is the common case: the run's own log line says it was checked.
      if (result.outcome === 'skipped') continue;
      c.logger.info('Reconcile', {
        integrationId: integration.integrationId,
        resource: mirror.name,
        outcome: result.outcome,
        ...(result.outcome === 'reconciled' && {
          markedInactive: result.markedInactive.length,
          backfilled: result.backfilled.length,
        }),
      });
    }
  };

let shared: Composition | undefined;

/** One composition per Lambda container (cold start), shared by whichever handler runs in it. */
export const composition = (): Composition => (shared ??= compose());
