import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  DEFAULT_UPDATED_SINCE_INDEX_STEP,
  type TableNames,
} from '../lambdas/adapters/dynamodb/table-definitions.js';
import { resourceDefinitions } from '../lambdas/resources/registry.js';
import { lambdaEnvironment } from '../lambdas/handlers/environment.js';
import type { LambdaId } from '../lambdas/handlers/catalog.js';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { type ShopifySyncConfig, staleAfterMinutes, syncIntervalMinutes } from './config.js';
import { IngestApi } from './constructs/ingest-api.js';
import { LambdaFactory } from './constructs/lambda-function.js';
import { METRICS_NAMESPACE, Monitoring, SERVICE_NAME } from './constructs/monitoring.js';
import { Storage } from './constructs/storage.js';
import { EventBridgeDelivery } from './constructs/eventbridge-delivery.js';
import { eventSourceArn } from '../lambdas/core/webhooks/eventbridge-delivery.js';
import { MAX_RECEIVE_COUNT, SyncPipeline, syncQueueVisibilitySeconds } from './constructs/sync-pipeline.js';

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
  /** Present in `eventbridge` webhook delivery: the partner bus, its rule, queue and ingest. */
  readonly eventBridgeDelivery?: EventBridgeDelivery;
  /** Where backend events go: the account's default bus, or the stack's own. */
  readonly eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: ShopifySyncStackProps) {
    super(scope, id, props);
    const { config } = props;
    const dataRemovalPolicy =
      config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const storage = new Storage(this, 'Storage', {
      dataRemovalPolicy,
      ...(config.updatedSinceIndex && { updatedSinceIndex: config.updatedSinceIndex }),
    });
    const { tables, tokenKey, appSecret } = storage;
    const eventBus =
      config.eventBus === 'stack'
        ? new EventBus(this, 'EventBus', { eventBusName: `shopify-sync-${config.stage}` })
        : EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');

    // Every Lambda gets the environment that lambdas/handlers/environment.ts describes; the queue
    // and webhook URLs follow once their constructs exist.
    const lambdas = new LambdaFactory({
      environment: lambdaEnvironment({
        tables: Object.fromEntries(
          Object.entries(tables).map(([id, table]) => [id, table.tableName]),
        ) as TableNames,
        appSecretArn: appSecret.secretArn,
        tokenKeyId: tokenKey.keyArn,
        shopify: {
          apiVersion: config.shopifyApiVersion,
          adminUrlTemplate: config.shopifyAdminUrlTemplate,
          ...(config.shopifyAppClientId !== undefined && { appClientId: config.shopifyAppClientId }),
          appDistribution: config.shopifyAppDistribution,
          readAllOrders: config.readAllOrders,
        },
        installReturnUrls: config.installReturnUrls,
        resources: config.resources,
        metafieldNamespaces: config.metafieldNamespaces,
        updatedSinceIndex: config.updatedSinceIndex ?? DEFAULT_UPDATED_SINCE_INDEX_STEP,
        sync: {
          minIntervalMinutes: config.minSyncIntervalMinutes,
          overlapMinutes: config.syncOverlapMinutes,
          maxReceives: MAX_RECEIVE_COUNT,
          visibilityTimeoutSeconds: syncQueueVisibilitySeconds(config),
          bulkThreshold: config.bulkSyncThreshold,
        },
        dataExportRetentionDays: config.dataExportRetentionDays,
        observability: {
          serviceName: SERVICE_NAME,
          metricsNamespace: METRICS_NAMESPACE,
          tracing: config.tracing,
        },
        eventBusName: eventBus.eventBusName,
        staleAfterMinutes: staleAfterMinutes(config),
        webhooksSilentAfterMinutes: config.webhooksSilentAfterHours * 60,
        webhookDelivery: {
          mode: config.webhookDelivery,
          // Known in https mode too: the health check then moves subscriptions back from it.
          ...(config.shopifyEventSource && {
            eventSourceArn: eventSourceArn(Aws.REGION, config.shopifyEventSource),
          }),
        },
      }),
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
      webhookWaf: config.webhookWaf,
    });
    lambdas.addEnvironment('WEBHOOK_CALLBACK_URL', ingestApi.webhookCallbackUrl);
    lambdas.addEnvironment('OAUTH_CALLBACK_URL', ingestApi.oauthCallbackUrl);

    // Also in https mode while a source is still configured: what it delivers during the move
    // back to HTTPS is still applied.
    const eventBridgeDelivery = config.shopifyEventSource
      ? new EventBridgeDelivery(this, 'EventBridgeDelivery', {
          lambdas,
          eventSourceName: config.shopifyEventSource,
        })
      : undefined;

    // Least privilege: what each Lambda may touch, in one table, down to the DynamoDB actions its
    // adapters send (lambdas/adapters/dynamodb). No adapter reads a stream, batch-gets, checks a
    // condition alone or describes a table; Scan is only the fan-out's census and the health
    // check's re-seal; DeleteItem only on Integrations (claims, install states, exports) and
    // SyncRuns (reconcile checkpoints); records are erased by BatchWriteItem and UpdateItem.
    // Every registered resource's table is granted alike (shop/redact and purges erase all of
    // them, mirrored or not).
    const read = ['dynamodb:GetItem', 'dynamodb:Query'];
    const update = ['dynamodb:UpdateItem'];
    const put = ['dynamodb:PutItem'];
    const remove = ['dynamodb:DeleteItem'];
    const batchWrite = ['dynamodb:BatchWriteItem'];
    const scan = ['dynamodb:Scan'];
    const allow = (fn: IGrantable, table: ITable, ...actions: string[][]) =>
      table.grant(fn, ...actions.flat());
    const recordTables = resourceDefinitions.map((definition) => tables[definition.table.id]);
    // Upserts (Put, Update), tombstones and redactions (Update), purges (BatchWrite), reads.
    const writeRecords = (fn: IGrantable) => {
      for (const table of recordTables) allow(fn, table, read, put, update, batchWrite);
    };
    // The redaction ledger is only ever added to (and read whole by a reconnect): never updated or deleted.
    const addRedactions = (fn: IGrantable) => allow(fn, tables.Redactions, put, batchWrite);
    const capabilities: Record<LambdaId, (fn: IGrantable) => void> = {
      webhook: (fn) => {
        // Reads the store; app/uninstalled claims, shop/redact erases credentials (Update);
        // customers/data_request exports are items here (Put, BatchWrite, Delete of the old one).
        allow(fn, tables.Integrations, read, update, put, batchWrite, remove);
        writeRecords(fn);
        allow(fn, tables.Idempotency, ['dynamodb:GetItem'], put); // body receipts (replay guard)
        addRedactions(fn); // customers/redact, and the tombstones a shop/redact purges
        // Hourly delivery counters (one ADD per delivery); bulk_operations/finish reads the waiting run.
        allow(fn, tables.SyncRuns, read, update);
        appSecret.grantRead(fn);
        // Per-integration webhook secrets only: never an access token (issue 19 §6).
        storage.allowTokenKey(fn, ['kms:Decrypt'], { webhookSecretsOnly: true });
        syncPipeline.grantSendMessages(fn); // bulk_operations/finish enqueues the run's continuation
      },
      // The same writes as the HTTPS webhook (the one ingest core), and what reads a body too
      // large for EventBridge from the store's Admin API through the token provider: the token key
      // (a renewed token is encrypted), the app secret (it authenticates the grant, nothing is
      // signed) and the bus (Needs Attention). Reading its queue is granted by the event source mapping.
      webhookEvents: (fn) => {
        allow(fn, tables.Integrations, read, update, put, batchWrite, remove);
        writeRecords(fn);
        allow(fn, tables.Idempotency, ['dynamodb:GetItem'], put); // body receipts (replay guard)
        addRedactions(fn);
        allow(fn, tables.SyncRuns, read, update); // delivery counters; bulk_operations/finish's waiting run
        syncPipeline.grantSendMessages(fn); // … and its continuation
        // Not internet-facing: it may renew a token to fetch an oversized body, so it encrypts too.
        storage.allowTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt']);
        appSecret.grantRead(fn);
        eventBus.grantPutEventsTo(fn);
      },
      api: (fn) => {
        // Connect and disconnect (Update), install states (Put, consumed by Delete), released claims.
        allow(fn, tables.Integrations, read, update, put, remove);
        writeRecords(fn);
        allow(fn, tables.SyncRuns, read, update); // runs are created and advanced by UpdateItem
        addRedactions(fn); // a disconnect's purge
        allow(fn, tables.Redactions, ['dynamodb:Query']); // a reconnect restores the shop's redactions
        syncPipeline.grantSendMessages(fn);
        storage.allowTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt']); // stores new tokens, registers webhooks
        appSecret.grantRead(fn); // the app's grants: install code, token exchange, refresh
        eventBus.grantPutEventsTo(fn); // Integration Recovered, Webhooks Unhealthy, Needs Attention (REAUTHORIZE)
      },
      fanOut: (fn) => {
        allow(fn, tables.Integrations, read, scan); // the due index, and the hourly store census (Scan)
        syncPipeline.grantSendMessages(fn);
      },
      syncWorker: (fn) => {
        writeRecords(fn);
        // Leases, checkpoints, credentials and scopes (Update); a confirmed uninstall's purge releases the claim.
        allow(fn, tables.Integrations, read, update, remove);
        // Runs (Update), and the reconcile's listing checkpoints (Put, Delete).
        allow(fn, tables.SyncRuns, read, update, put, remove);
        // Refreshed tokens are encrypted before they are used; refreshing needs the app secret.
        storage.allowTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt']);
        appSecret.grantRead(fn);
        syncPipeline.grantSendMessages(fn); // continuations of long syncs
        eventBus.grantPutEventsTo(fn); // Sync Completed/Failed, Needs Attention, Webhooks Unhealthy
      },
      healthCheck: (fn) => {
        // Webhook health, token migration (Update), resumed purges (Delete of the claim), and the
        // webhook-secret re-seal's Scan.
        allow(fn, tables.Integrations, read, update, remove, scan);
        writeRecords(fn); // resumes shop/redact purges paused at their deadline
        addRedactions(fn);
        // Refreshes, migrates static tokens (token exchange) and re-seals webhook secrets.
        storage.allowTokenKey(fn, ['kms:Encrypt', 'kms:Decrypt']);
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
      ...(eventBridgeDelivery && { webhookDeadLetterQueue: eventBridgeDelivery.deadLetterQueue }),
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

    if (eventBridgeDelivery) {
      new CfnOutput(this, 'WebhookEventBusName', {
        value: eventBridgeDelivery.partnerBus.eventBusName,
        description: 'Partner event bus of the Shopify event source (webhookDelivery eventbridge)',
      });
      new CfnOutput(this, 'WebhookDeadLetterQueueUrl', {
        value: eventBridgeDelivery.deadLetterQueue.queueUrl,
      });
    }

    this.storage = storage;
    this.eventBridgeDelivery = eventBridgeDelivery;
    this.ingestApi = ingestApi;
    this.syncPipeline = syncPipeline;
    this.monitoring = monitoring;
    this.lambdas = lambdas;
    this.eventBus = eventBus;
  }
}
