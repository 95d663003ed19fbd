import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TableNames } from '../lambdas/adapters/dynamodb/table-definitions.js';
import { resourceDefinitions } from '../lambdas/resources/registry.js';
import { defaultSyncConfig } from '../lambdas/core/sync/run-sync.js';
import { tableEnvironment } from '../lambdas/handlers/environment.js';
import type { LambdaId } from '../lambdas/handlers/catalog.js';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { type ShopifySyncConfig, staleAfterMinutes, syncIntervalMinutes } from './config.js';
import { IngestApi } from './constructs/ingest-api.js';
import { LambdaFactory } from './constructs/lambda-function.js';
import { METRICS_NAMESPACE, Monitoring, SERVICE_NAME } from './constructs/monitoring.js';
import { Storage } from './constructs/storage.js';
import { MAX_RECEIVE_COUNT, SyncPipeline } from './constructs/sync-pipeline.js';

export interface ShopifySyncStackProps extends StackProps {
  readonly config: ShopifySyncConfig;
}

/** The whole service: storage, the HTTP API, the scheduled sync pipeline, and their alarms. */
export class ShopifySyncStack extends Stack {
  readonly storage: Storage;
  readonly ingestApi: IngestApi;
  readonly syncPipeline: SyncPipeline;
  readonly monitoring: Monitoring;
  readonly lambdas: LambdaFactory;
  /** Where backend events go: the account's default bus, or the stack's own. */
  readonly eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: ShopifySyncStackProps) {
    super(scope, id, props);
    const { config } = props;
    const dataRemovalPolicy =
      config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const storage = new Storage(this, 'Storage', { dataRemovalPolicy });
    const { tables, tokenKey, appSecret } = storage;
    const eventBus =
      config.eventBus === 'stack'
        ? new EventBus(this, 'EventBus', { eventBusName: `shopify-sync-${config.stage}` })
        : EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');

    // Every Lambda gets the environment that lambdas/handlers/environment.ts describes; the queue
    // and webhook URLs follow once their constructs exist.
    const lambdas = new LambdaFactory({
      environment: {
        ...tableEnvironment(
          Object.fromEntries(
            Object.entries(tables).map(([id, table]) => [id, table.tableName]),
          ) as TableNames,
        ),
        SHOPIFY_API_VERSION: config.shopifyApiVersion,
        SHOPIFY_ADMIN_URL_TEMPLATE: config.shopifyAdminUrlTemplate,
        SHOPIFY_SHOP_URL_TEMPLATE: 'https://{shop}',
        SHOPIFY_APP_CLIENT_ID: config.shopifyAppClientId ?? '',
        SHOPIFY_APP_DISTRIBUTION: config.shopifyAppDistribution,
        READ_ALL_ORDERS: String(config.readAllOrders),
        INSTALL_RETURN_URLS: config.installReturnUrls.join(','),
        APP_SECRET_ARN: appSecret.secretArn,
        TOKEN_KEY_ID: tokenKey.keyArn,
        SYNCED_RESOURCES: config.resources.join(','),
        // Until CDK context `readAllOrders` exists (issue 18, creds): orders need read_orders only.
        MIN_SYNC_INTERVAL_MINUTES: String(config.minSyncIntervalMinutes),
        SYNC_OVERLAP_MINUTES: String(config.syncOverlapMinutes),
        DATA_EXPORT_RETENTION_DAYS: String(config.dataExportRetentionDays),
        SYNC_LEASE_TTL_SECONDS: String(defaultSyncConfig.leaseTtlMs / 1000),
        SYNC_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
        SYNC_RUN_RETENTION_DAYS: String(defaultSyncConfig.runRetentionDays),
        SYNC_WRITE_CONCURRENCY: String(defaultSyncConfig.writeConcurrency),
        SHOPIFY_LISTING_LIMIT: '25000',
        SYNC_RETRY_BASE_SECONDS: String(defaultSyncConfig.retryBaseSeconds),
        SYNC_RETRY_MAX_SECONDS: String(config.workerTimeoutSeconds * 6),
        BULK_SYNC_THRESHOLD: String(config.bulkSyncThreshold),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_TRACE_ENABLED: String(config.tracing),
        EVENT_BUS_NAME: eventBus.eventBusName,
        STALE_AFTER_MINUTES: String(staleAfterMinutes(config)),
        WEBHOOKS_SILENT_AFTER_MINUTES: String(config.webhooksSilentAfterHours * 60),
      },
      logRetention: config.logRetentionDays,
      logLevel: config.logLevel,
      logRemovalPolicy: dataRemovalPolicy,
      tracing: config.tracing,
    });

    const syncPipeline = new SyncPipeline(this, 'SyncPipeline', { lambdas, config });
    lambdas.addEnvironment('SYNC_QUEUE_URL', syncPipeline.queue.queueUrl);
    lambdas.addEnvironment('INCREMENTAL_SYNC_QUEUE_URL', syncPipeline.incrementalQueue.queueUrl);

    const ingestApi = new IngestApi(this, 'IngestApi', {
      lambdas,
      throttle: { rateLimit: config.apiThrottleRateLimit, burstLimit: config.apiThrottleBurstLimit },
      webhookThrottle: {
        rateLimit: config.webhookThrottleRateLimit,
        burstLimit: config.webhookThrottleBurstLimit,
      },
      oauthCallbackThrottle: {
        rateLimit: config.oauthCallbackThrottleRateLimit,
        burstLimit: config.oauthCallbackThrottleBurstLimit,
      },
      accessLogRetention: config.logRetentionDays,
      accessLogRemovalPolicy: dataRemovalPolicy,
    });
    lambdas.addEnvironment('WEBHOOK_CALLBACK_URL', ingestApi.webhookCallbackUrl);
    lambdas.addEnvironment('OAUTH_CALLBACK_URL', ingestApi.oauthCallbackUrl);

    // Least privilege: what each Lambda may touch, in one table. Every registered resource's
    // table is granted alike (shop/redact and purges erase all of them, mirrored or not).
    const recordTables = resourceDefinitions.map((definition) => tables[definition.table.id]);
    const readWriteRecords = (fn: IGrantable) => {
      for (const table of recordTables) table.grantReadWriteData(fn);
    };
    // The redaction ledger is only ever added to (and read whole by a reconnect): never updated or deleted.
    const addRedactions = (fn: IGrantable) =>
      tables.Redactions.grant(fn, 'dynamodb:PutItem', 'dynamodb:BatchWriteItem');
    const capabilities: Record<LambdaId, (fn: IGrantable) => void> = {
      webhook: (fn) => {
        // Writes too: app/uninstalled deactivates, shop/redact erases credentials, and
        // customers/data_request exports are kept as items in the Integrations table.
        tables.Integrations.grantReadWriteData(fn);
        readWriteRecords(fn);
        tables.Idempotency.grantReadWriteData(fn);
        addRedactions(fn); // customers/redact, and the tombstones a shop/redact purges
        tables.SyncRuns.grant(fn, 'dynamodb:UpdateItem'); // hourly delivery counters (one ADD per delivery)
        appSecret.grantRead(fn);
        tokenKey.grantDecrypt(fn); // per-integration webhook secrets
        // bulk_operations/finish: reads the waiting run, enqueues its continuation.
        tables.SyncRuns.grantReadData(fn);
        syncPipeline.grantSendMessages(fn);
      },
      api: (fn) => {
        tables.Integrations.grantReadWriteData(fn);
        readWriteRecords(fn);
        tables.SyncRuns.grantReadWriteData(fn);
        addRedactions(fn); // a disconnect's purge
        tables.Redactions.grant(fn, 'dynamodb:Query'); // a reconnect restores the shop's redactions
        syncPipeline.grantSendMessages(fn);
        tokenKey.grant(fn, 'kms:Encrypt', 'kms:Decrypt'); // stores new tokens, registers webhooks
        appSecret.grantRead(fn); // the app's grants: install code, token exchange, refresh
        eventBus.grantPutEventsTo(fn); // Integration Recovered, Webhooks Unhealthy, Needs Attention (REAUTHORIZE)
      },
      fanOut: (fn) => {
        tables.Integrations.grantReadData(fn); // the due index, and the hourly store census (Scan)
        syncPipeline.grantSendMessages(fn);
      },
      syncWorker: (fn) => {
        readWriteRecords(fn);
        tables.Integrations.grantReadWriteData(fn);
        tables.SyncRuns.grantReadWriteData(fn);
        // Refreshed tokens are encrypted before they are used; refreshing needs the app secret.
        tokenKey.grant(fn, 'kms:Encrypt', 'kms:Decrypt');
        appSecret.grantRead(fn);
        syncPipeline.grantSendMessages(fn); // continuations of long syncs
        eventBus.grantPutEventsTo(fn); // Sync Completed/Failed, Needs Attention, Webhooks Unhealthy
      },
      healthCheck: (fn) => {
        tables.Integrations.grantReadWriteData(fn);
        readWriteRecords(fn); // resumes shop/redact purges paused at their deadline
        addRedactions(fn);
        // Refreshes, and migrates static tokens (token exchange): encrypts the new pair.
        tokenKey.grant(fn, 'kms:Encrypt', 'kms:Decrypt');
        appSecret.grantRead(fn);
        eventBus.grantPutEventsTo(fn); // Webhooks Unhealthy
      },
    };
    for (const [lambdaId, fn] of lambdas.functions) capabilities[lambdaId](fn);

    const monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      functions: lambdas.functions,
      queue: syncPipeline.queue,
      incrementalQueue: syncPipeline.incrementalQueue,
      deadLetterQueue: syncPipeline.deadLetterQueue,
      syncWorker: syncPipeline.syncWorker,
      api: ingestApi,
      // Older than one sync interval plus two worker timeouts: the next round has begun behind it.
      maxQueueAge: Duration.minutes(
        syncIntervalMinutes(config) + Math.ceil((2 * config.workerTimeoutSeconds) / 60),
      ),
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: ingestApi.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'WebhookCallbackUrl', {
      value: ingestApi.webhookCallbackUrl,
      description: 'Where Shopify delivers webhooks',
    });
    new CfnOutput(this, 'OAuthCallbackUrl', {
      value: ingestApi.oauthCallbackUrl,
      description: "The install flow's redirect URL: add it to the app's allowed redirection URLs",
    });
    new CfnOutput(this, 'AppSecretArn', {
      value: appSecret.secretArn,
      description:
        'Store the Shopify app client secret here after deploy (aws secretsmanager put-secret-value)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.alarmTopic.topicArn });
    new CfnOutput(this, 'EventBusName', {
      value: eventBus.eventBusName,
      description: 'EventBridge bus of the backend events (source shopify-sync)',
    });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
    // The status console (npm run console) reads it to show and redrive dead-lettered syncs.
    new CfnOutput(this, 'SyncDeadLetterQueueUrl', { value: syncPipeline.deadLetterQueue.queueUrl });

    this.storage = storage;
    this.ingestApi = ingestApi;
    this.syncPipeline = syncPipeline;
    this.monitoring = monitoring;
    this.lambdas = lambdas;
    this.eventBus = eventBus;
  }
}
