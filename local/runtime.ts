import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createTables } from '../lambdas/adapters/dynamodb/create-tables.js';
import { type TableNames, tableNamesWithPrefix } from '../lambdas/adapters/dynamodb/table-definitions.js';
import { defaultResourceNames } from '../lambdas/resources/registry.js';
import type { MetafieldNamespaces } from '../lambdas/resources/kit/metafields.js';
import { type LambdaEnvironment, lambdaEnvironment } from '../lambdas/handlers/environment.js';
import { type ApiRoute, apiRoutes, type LambdaId, lambdaCatalog } from '../lambdas/handlers/catalog.js';
import { createShopifySyncClient } from '../client/index.js';
import { createConsoleHandler } from '../console/server.js';
import { sqsDeadLetters } from '../console/dead-letters.js';
import { openApiJson } from '../lambdas/handlers/contract/openapi.js';
import { type AwsEndpoint, startAwsJsonEndpoint } from './aws/json-protocol.js';
import { createLocalKms, type LocalKms } from './aws/kms-endpoint.js';
import { localRegion } from './aws/local-identity.js';
import { createLocalSecretsManager, type LocalSecretsManager } from './aws/secrets-manager-endpoint.js';
import { createLocalSqs } from './aws/sqs-endpoint.js';
import { createLocalEventBridge, type LocalEventBridge } from './aws/eventbridge-endpoint.js';
import type { LocalSqs } from './aws/sqs-endpoint.js';
import {
  eventSourceArn,
  SHOPIFY_WEBHOOK_DETAIL_TYPE,
} from '../lambdas/core/webhooks/eventbridge-delivery.js';
import { captureLambdaOutput, type LocalCloudWatch, type LogEvent } from './cloudwatch.js';
import { lambdaTimeoutSeconds, localDefaults, type SyncQueueSettings, syncQueueSettings } from './config.js';
import { DEMO_ORGANIZATION } from './demo-connect.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { type HttpApi, startHttpApi } from './http-api.js';
import { installInvokeStore, type LambdaHandler } from './lambda-invoke.js';
import type { Clock, LocalQueue } from './queue.js';
import { type Scheduler, startScheduler } from './scheduler.js';
import { SqsEventSource } from './sqs-event-source.js';
import { enableUsageMeter, type UsageLedger } from '../lambdas/adapters/usage-meter.js';
import { type DemoShop, type ShopifyBackend, startShopifyBackend } from './shopify-backend.js';
import type { OAuthSettings } from './shopify-simulator/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each Lambda has its own event type
type AnyHandler = LambdaHandler<any, unknown>;

export interface LocalRuntimeOptions {
  /** Local HTTP API port; 0 picks a free one (tests). Default 3000. */
  readonly apiPort?: number;
  /** Port of the local AWS JSON endpoint (SQS, Secrets Manager, KMS); default: a free one. */
  readonly awsPort?: number;
  /** An existing DynamoDB endpoint (e.g. the test run's DynamoDB Local); otherwise one is started. */
  readonly dynamoEndpoint?: string;
  /** Port for the DynamoDB Local this runtime starts; default: a free one. */
  readonly dynamoPort?: number;
  readonly tablePrefix?: string;
  /** A Shopify-compatible server's admin URL template; when set, no simulator is started. */
  readonly shopifyAdminUrlTemplate?: string;
  readonly shopifySimulatorPort?: number;
  /** The Shopify app's client secret (the simulator signs webhooks with it); a fixed demo value by default. */
  readonly shopifyAppSecret?: string;
  /** The app's client id (SHOPIFY_APP_CLIENT_ID); the simulator's by default. */
  readonly shopifyAppClientId?: string;
  /**
   * `public` or `custom` (SHOPIFY_APP_DISTRIBUTION): public migrates static tokens. `npm start` runs
   * `public`, as a deployment does by default; in-process runtimes (tests, bench) default to `custom`,
   * so a static token they connect stays the one they seeded, unless they ask for `public`.
   */
  readonly shopifyAppDistribution?: 'public' | 'custom';
  /** An external server's shop URL template (SHOPIFY_SHOP_URL_TEMPLATE, `{shop}`); no simulator then. */
  readonly shopifyShopUrlTemplate?: string;
  /** The simulator's OAuth settings: token lifetimes, the static-token cutoff (tests, chaos). */
  readonly shopifyOAuth?: Partial<OAuthSettings>;
  /** Return URLs an install may redirect to (INSTALL_RETURN_URLS). */
  readonly installReturnUrls?: readonly string[];
  /** Ask for read_all_orders too (READ_ALL_ORDERS). */
  readonly readAllOrders?: boolean;
  /** The demo store seeded into the simulator; `false` seeds none. */
  readonly demoShop?: Partial<DemoShop> | false;
  /** Fan-out schedule (EventBridge `rate(1 hour)` by default). */
  readonly syncEverySeconds?: number;
  readonly healthCheckEverySeconds?: number;
  /** The resources to mirror (the CDK context key `resources`); by default all but the opt-in ones. */
  readonly resources?: readonly string[];
  /** The metafield namespaces mirrored (the CDK context key `metafieldNamespaces`); none by default. */
  readonly metafieldNamespaces?: MetafieldNamespaces;
  /** Shopify's object limit per listing as the handlers assume it (lowered with the simulator's in tests). */
  readonly listingLimit?: number;
  /** Extra or overriding Lambda environment variables (e.g. `POWERTOOLS_LOG_LEVEL`). */
  readonly lambdaEnv?: Readonly<Record<string, string>>;
  /** Handlers to use instead of the catalog's entries (tests). */
  readonly handlers?: Partial<Record<LambdaId, AnyHandler>>;
  /** Routes to serve instead of the catalog's `apiRoutes` (tests). */
  readonly routes?: readonly ApiRoute[];
  readonly syncQueue?: Partial<SyncQueueSettings> & {
    readonly clock?: Clock;
    readonly pollIntervalMs?: number;
  };
  /** Start the sync worker's event source mappings (default true); tests may poll by hand. */
  readonly startWorker?: boolean;
  /** Count every billable request per store (lambdas/adapters/usage-meter.ts): the bench's F1. */
  readonly meterUsage?: boolean;
  /**
   * How the stores' webhooks arrive (CDK context `webhookDelivery`): `https` to POST
   * /webhooks/shopify, or `eventbridge` through the partner bus of `shopifyEventSource`, its
   * rule, the local webhook queue and the EventBridge ingest. Compliance topics stay on HTTPS.
   */
  readonly webhookDelivery?: 'https' | 'eventbridge';
  /** The partner event source (`aws.partner/shopify.com/<app id>/<name>`); a local one by default. */
  readonly shopifyEventSource?: string;
  /** The simulator sends bodies above this many bytes through EventBridge as `{ "id": … }` (tests lower it). */
  readonly eventBridgePayloadLimitBytes?: number;
  readonly log?: (line: string) => void;
  /** Log every HTTP API request (`[http-api] GET /path → 200`) through `log` (default true). */
  readonly logRequests?: boolean;
  /** Print the handlers' JSON log lines (default true); they are recorded in `cloudWatch` either way. */
  readonly echoHandlerLogs?: boolean;
  /** Called with each log line a handler writes (e.g. to print it compactly instead of echoing it). */
  readonly onHandlerLog?: (event: LogEvent) => void;
}

export interface StopOptions {
  /**
   * How long to let sync batches in flight finish before leaving them (default: as long as they
   * take). Everything local is in memory, so `npm start` gives them a moment, not a throttled sync's
   * minutes; a left batch is dropped with the in-memory queue.
   */
  readonly drainMs?: number;
}

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly awsEndpoint: AwsEndpoint;
  readonly dynamoEndpoint: string;
  readonly tableNames: TableNames;
  /** The environment every handler runs with (also applied to `process.env`). */
  readonly lambdaEnv: Readonly<Record<string, string>>;
  readonly routeKeys: readonly string[];
  /** The long-work lane's queue (initial syncs, continuations); lambdas/core/sync/sync-lanes.ts. */
  readonly syncQueue: LocalQueue;
  /** The incremental lane's queue (hourly and manual syncs). */
  readonly incrementalSyncQueue: LocalQueue;
  readonly deadLetterQueue: LocalQueue;
  /** The sync worker's event source on the long-work lane. */
  readonly syncWorker: SqsEventSource;
  /** The sync worker's event source on the incremental lane. */
  readonly incrementalSyncWorker: SqsEventSource;
  /** Both lanes' messages together, as SQS counts them. */
  syncQueueCounts(): { visible: number; inFlight: number; delayed: number };
  /** What the handlers' requests cost, per store, when started with `meterUsage`. */
  readonly usage?: UsageLedger;
  /** `eventbridge` delivery: the queue the partner bus's rule feeds, its DLQ, and the ingest's mapping. */
  readonly webhookQueue?: LocalQueue;
  readonly webhookDeadLetterQueue?: LocalQueue;
  readonly webhookEvents?: SqsEventSource;
  readonly scheduler: Scheduler;
  readonly shopify: ShopifyBackend;
  readonly secrets: LocalSecretsManager;
  readonly kms: LocalKms;
  /** The backend events the handlers put on EventBridge, recorded (and printed) locally. */
  readonly events: LocalEventBridge;
  /** The handlers' log lines and EMF metrics, as CloudWatch would receive them. */
  readonly cloudWatch: LocalCloudWatch;
  /** Moves every dead-lettered sync back onto the sync queue; returns how many. */
  redriveDeadLetters(): number;
  stop(options?: StopOptions): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function loadHandler(id: LambdaId, overrides: LocalRuntimeOptions['handlers']): Promise<AnyHandler> {
  const override = overrides?.[id];
  if (override) return override;
  const entry = lambdaCatalog[id].entry;
  const module = (await import(pathToFileURL(path.join(repoRoot, entry)).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function')
    throw new Error(`${entry} does not export a \`handler\` function`);
  return module.handler as AnyHandler;
}

const functionName = (id: LambdaId) => `local-${id}`;

/** The integration a sync message names: the store its invocation is charged to. */
const integrationOfMessage = (body: string): string | undefined => {
  try {
    const parsed = JSON.parse(body) as { integrationId?: unknown };
    return typeof parsed.integrationId === 'string' ? parsed.integrationId : undefined;
  } catch {
    return undefined;
  }
};
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts the whole system in this process: DynamoDB (Local), the Shopify simulator, local SQS /
 * Secrets Manager / KMS endpoints, the sync queue with its worker, the scheduler and the HTTP API,
 * all driving the real Lambda handlers through the standard AWS SDK endpoint variables.
 *
 * Real handlers build their clients once per module load (a cold start), so run one runtime with
 * real handlers per process; further runtimes in the same process should pass `handlers`.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const queueSettings = {
    ...syncQueueSettings(options.syncQueue?.workerTimeoutSeconds),
    ...options.syncQueue,
  };
  // Lambda refuses such an event source mapping: a message would come back while its first
  // invocation still works on it. Tests that want quick retries shorten the worker's timeout.
  if (queueSettings.visibilityTimeoutSeconds < queueSettings.workerTimeoutSeconds) {
    throw new Error(
      `The sync queue's visibility timeout (${queueSettings.visibilityTimeoutSeconds} s) is shorter than ` +
        `the sync worker's timeout (${queueSettings.workerTimeoutSeconds} s); AWS Lambda rejects that ` +
        'event source mapping. Set syncQueue.workerTimeoutSeconds instead.',
    );
  }
  const log = options.log ?? console.log;
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopOptions: StopOptions = {};
  // Every step runs even if an earlier one fails: a leaked DynamoDB Local JVM outlives us.
  const stopAll = async (options: StopOptions = {}) => {
    stopOptions = options;
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'Some local services did not stop cleanly');
  };

  try {
    // DynamoDB
    let dynamoEndpoint = options.dynamoEndpoint;
    if (!dynamoEndpoint) {
      const dynamo = await startDynamoDbLocal(options.dynamoPort ? { port: options.dynamoPort } : {});
      cleanups.push(() => dynamo.stop());
      dynamoEndpoint = dynamo.endpoint;
    }
    const tableNames = tableNamesWithPrefix(options.tablePrefix ?? localDefaults.tablePrefix);
    const dynamoClient = new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    await createTables(dynamoClient, tableNames);
    dynamoClient.destroy();

    // AWS JSON endpoints (one port for SQS, Secrets Manager and KMS)
    let awsUrl = '';
    const sqs = createLocalSqs(() => awsUrl);
    const secrets = createLocalSecretsManager();
    const kms = createLocalKms();
    const events = createLocalEventBridge(log);
    const awsEndpoint = await startAwsJsonEndpoint(
      [sqs.service, secrets.service, kms.service, events.service],
      {
        port: options.awsPort ?? 0,
      },
    );
    cleanups.push(() => awsEndpoint.stop());
    awsUrl = awsEndpoint.url;

    const clock = options.syncQueue?.clock;
    const deadLetterQueue = sqs.createQueue({
      name: localDefaults.syncDeadLetterQueueName,
      ...(clock && { clock }),
    });
    // The two lanes (lambdas/core/sync/sync-lanes.ts), sharing one dead-letter queue as deployed.
    const laneQueue = (name: string) =>
      sqs.createQueue({
        name,
        visibilityTimeoutSeconds: queueSettings.visibilityTimeoutSeconds,
        deadLetter: { queue: deadLetterQueue, maxReceiveCount: queueSettings.maxReceiveCount },
        ...(clock && { clock }),
      });
    const syncQueue = laneQueue(localDefaults.syncQueueName);
    const incrementalSyncQueue = laneQueue(localDefaults.incrementalSyncQueueName);
    const eventBridgeDelivery =
      options.webhookDelivery === 'eventbridge'
        ? localEventBridgeDelivery(
            sqs,
            events,
            options.shopifyEventSource ?? localDefaults.shopifyEventSource,
          )
        : undefined;

    // Shopify
    const demoShop = options.demoShop;
    const shopify = await startShopifyBackend({
      ...(options.shopifyAdminUrlTemplate !== undefined && {
        adminUrlTemplate: options.shopifyAdminUrlTemplate,
      }),
      ...(options.shopifyShopUrlTemplate !== undefined && {
        shopUrlTemplate: options.shopifyShopUrlTemplate,
      }),
      ...(options.shopifyAppClientId !== undefined && { clientId: options.shopifyAppClientId }),
      ...(options.shopifyOAuth !== undefined && { oauth: options.shopifyOAuth }),
      ...(options.shopifySimulatorPort !== undefined && { port: options.shopifySimulatorPort }),
      ...(options.shopifyAppSecret !== undefined && { appSecret: options.shopifyAppSecret }),
      demoShop: demoShop === false ? false : (demoShop ?? {}),
    });
    cleanups.push(() => shopify.stop());
    // The secret webhooks are verified against: the simulator's, or SHOPIFY_APP_SECRET for an external server.
    const appSecretArn = secrets.putSecret('shopify-sync/app-secret', shopify.appSecret);
    const tokenKeyId = kms.createKey('alias/shopify-sync-tokens');

    // The HTTP API binds first: handlers must find their callback URL in the environment at import.
    const httpApi: HttpApi = await startHttpApi([], {
      port: options.apiPort ?? localDefaults.apiPort,
      ...((options.logRequests ?? true) && { log }),
    });
    cleanups.push(() => httpApi.stop());

    // What the stack sets (lambdas/handlers/environment.ts), filled from the local services.
    const environment: LambdaEnvironment = {
      ...lambdaEnvironment({
        tables: tableNames,
        appSecretArn,
        tokenKeyId,
        shopify: {
          apiVersion: localDefaults.shopifyApiVersion,
          adminUrlTemplate: shopify.adminUrlTemplate,
          shopUrlTemplate: shopify.shopUrlTemplate,
          appClientId: shopify.clientId,
          appDistribution: options.shopifyAppDistribution ?? 'custom',
          readAllOrders: options.readAllOrders ?? false,
          ...(options.listingLimit !== undefined && { listingLimit: options.listingLimit }),
        },
        installReturnUrls: options.installReturnUrls ?? [`${httpApi.url}/`],
        resources: options.resources ?? defaultResourceNames,
        ...(options.metafieldNamespaces && { metafieldNamespaces: options.metafieldNamespaces }),
        // The local tables are created at the last step: the sharded index only.
        updatedSinceIndex: 'sharded',
        sync: {
          minIntervalMinutes: localDefaults.minSyncIntervalMinutes,
          overlapMinutes: localDefaults.syncOverlapMinutes,
          maxReceives: queueSettings.maxReceiveCount,
          visibilityTimeoutSeconds: queueSettings.visibilityTimeoutSeconds,
        },
        dataExportRetentionDays: localDefaults.dataExportRetentionDays,
        observability: { serviceName: 'shopify-sync', metricsNamespace: 'ShopifySync' },
        eventBusName: 'default',
        staleAfterMinutes: localDefaults.staleAfterMinutes,
        webhooksSilentAfterMinutes: localDefaults.webhooksSilentAfterMinutes,
        webhookDelivery: eventBridgeDelivery
          ? { mode: 'eventbridge', eventSourceArn: eventSourceArn(localRegion, eventBridgeDelivery.source) }
          : { mode: 'https' },
      }),
      SYNC_QUEUE_URL: syncQueue.url,
      INCREMENTAL_SYNC_QUEUE_URL: incrementalSyncQueue.url,
      WEBHOOK_CALLBACK_URL: `${httpApi.url}/webhooks/shopify`,
      OAUTH_CALLBACK_URL: `${httpApi.url}/oauth/callback`,
    };
    const lambdaEnv: Record<string, string> = {
      ...environment,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      // Metrics go to the local CloudWatch below, which reads their EMF lines off stdout.
      POWERTOOLS_METRICS_DISABLED: 'false',
      // Invocations run concurrently in this one process (see lambda-invoke.ts).
      AWS_LAMBDA_MAX_CONCURRENCY: '10',
      // As Lambda sets it: Powertools reports the first invocation of each handler as a cold start.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      // The standard SDK v3 variables: handlers build ordinary clients and land here.
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: awsEndpoint.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: awsEndpoint.url,
      AWS_ENDPOINT_URL_KMS: awsEndpoint.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: awsEndpoint.url,
      AWS_REGION: localRegion,
      AWS_DEFAULT_REGION: localRegion,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...options.lambdaEnv,
    };
    // The Partner Dashboard's event source, associated with the local partner bus.
    if (eventBridgeDelivery) {
      shopify.simulator?.connectEventBridge({
        endpointUrl: awsEndpoint.url,
        ...(options.eventBridgePayloadLimitBytes !== undefined && {
          payloadLimitBytes: options.eventBridgePayloadLimitBytes,
        }),
      });
    }
    // The app TOML's compliance URI: privacy webhooks go to the same signed endpoint.
    if (shopify.demoShop && shopify.simulator) {
      shopify.simulator.shop(shopify.demoShop.shopDomain)?.setComplianceUri(lambdaEnv.WEBHOOK_CALLBACK_URL!);
    }
    const previousEnv = Object.fromEntries(Object.keys(lambdaEnv).map((key) => [key, process.env[key]]));
    Object.assign(process.env, lambdaEnv);
    cleanups.unshift(() => {
      // Runs last: leave the process as we found it.
      for (const [key, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });

    // Powertools looks for the invoke store as soon as AWS_LAMBDA_MAX_CONCURRENCY is set.
    cleanups.push(installInvokeStore());
    const cloudWatch = captureLambdaOutput({
      echo: options.echoHandlerLogs ?? true,
      ...(options.onHandlerLog && { onLog: options.onHandlerLog }),
    });
    cleanups.push(() => cloudWatch.stop());

    // Before the handlers build their clients: only clients built after this are metered.
    const usage = options.meterUsage ? enableUsageMeter() : undefined;

    // Handlers, imported only now that the environment is in place.
    const handlers = new Map<LambdaId, AnyHandler>();
    for (const id of Object.keys(lambdaCatalog) as LambdaId[])
      handlers.set(id, await loadHandler(id, options.handlers));
    const handlerOf = (id: LambdaId) => handlers.get(id) as AnyHandler;

    httpApi.setRoutes(
      (options.routes ?? apiRoutes).map((route) => ({
        route,
        handler: handlerOf(route.lambda) as LambdaHandler<APIGatewayProxyEventV2, unknown>,
        functionName: functionName(route.lambda),
        timeoutMs: lambdaTimeoutSeconds[route.lambda] * 1000,
      })),
    );

    // Beside the API, as API Gateway never would: the OpenAPI document and the status console.
    const consoleHandler = createConsoleHandler({
      client: createShopifySyncClient({ apiUrl: httpApi.url, credentials: false }),
      deadLetters: sqsDeadLetters(
        new SQSClient({ endpoint: awsEndpoint.url, region: localRegion, credentials: localCredentials }),
        deadLetterQueue.url,
      ),
      organizations: [DEMO_ORGANIZATION],
      target: 'local runtime',
      log,
    });
    httpApi.setFallback(async (request, response) => {
      if (request.method === 'GET' && request.url === '/openapi.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(openApiJson({ routes: options.routes ?? apiRoutes, serverUrl: httpApi.url }));
        return true;
      }
      return consoleHandler(request, response);
    });

    // One worker function, an event source per lane, each with its own maximum concurrency.
    const laneSource = (queue: LocalQueue, maxConcurrency: number) =>
      new SqsEventSource({
        queue,
        handler: handlerOf('syncWorker') as LambdaHandler<SQSEvent, SQSBatchResponse | void>,
        functionName: functionName('syncWorker'),
        timeoutMs: queueSettings.workerTimeoutSeconds * 1000,
        batchSize: queueSettings.batchSize,
        maxConcurrency,
        ...(options.syncQueue?.pollIntervalMs !== undefined && {
          pollIntervalMs: options.syncQueue.pollIntervalMs,
        }),
        accountOf: integrationOfMessage,
        log,
      });
    const syncWorker = laneSource(syncQueue, queueSettings.maxConcurrency);
    const incrementalSyncWorker = laneSource(incrementalSyncQueue, queueSettings.incrementalMaxConcurrency);
    if (options.startWorker ?? true) {
      syncWorker.start();
      incrementalSyncWorker.start();
    }
    cleanups.push(async () => {
      const drain = stopOptions.drainMs === undefined ? {} : { abandonAfterMs: stopOptions.drainMs };
      await Promise.all([syncWorker.stop(drain), incrementalSyncWorker.stop(drain)]);
      const pending = [syncQueue, incrementalSyncQueue]
        .map((queue) => queue.counts())
        .reduce((sum, left) => sum + left.visible + left.inFlight + left.delayed, 0);
      if (pending > 0) log(`[sync-queue] ${pending} message(s) left in the in-memory queues were dropped`);
    });

    const webhookEvents =
      eventBridgeDelivery &&
      new SqsEventSource({
        queue: eventBridgeDelivery.queue,
        handler: handlerOf('webhookEvents') as LambdaHandler<SQSEvent, SQSBatchResponse | void>,
        functionName: functionName('webhookEvents'),
        timeoutMs: lambdaTimeoutSeconds.webhookEvents * 1000,
        batchSize: 10,
        maxConcurrency: 5,
        ...(options.syncQueue?.pollIntervalMs !== undefined && {
          pollIntervalMs: options.syncQueue.pollIntervalMs,
        }),
        log,
      });
    if (webhookEvents) {
      webhookEvents.start();
      cleanups.push(() => webhookEvents.stop());
    }

    const scheduler = startScheduler(
      [
        {
          name: 'sync-schedule',
          everySeconds: options.syncEverySeconds ?? localDefaults.syncScheduleSeconds,
          handler: handlerOf('fanOut') as LambdaHandler<ScheduledEvent, unknown>,
          functionName: functionName('fanOut'),
          timeoutMs: lambdaTimeoutSeconds.fanOut * 1000,
        },
        {
          name: 'health-check-schedule',
          everySeconds: options.healthCheckEverySeconds ?? localDefaults.healthCheckScheduleSeconds,
          handler: handlerOf('healthCheck') as LambdaHandler<ScheduledEvent, unknown>,
          functionName: functionName('healthCheck'),
          timeoutMs: lambdaTimeoutSeconds.healthCheck * 1000,
        },
      ],
      log,
    );
    cleanups.push(() => scheduler.stop());

    return {
      apiUrl: httpApi.url,
      awsEndpoint,
      dynamoEndpoint,
      tableNames,
      lambdaEnv,
      routeKeys: httpApi.routeKeys,
      syncQueue,
      incrementalSyncQueue,
      deadLetterQueue,
      syncWorker,
      incrementalSyncWorker,
      ...(usage && { usage }),
      syncQueueCounts: () => {
        const [long, incremental] = [syncQueue.counts(), incrementalSyncQueue.counts()];
        return {
          visible: long.visible + incremental.visible,
          inFlight: long.inFlight + incremental.inFlight,
          delayed: long.delayed + incremental.delayed,
        };
      },
      ...(eventBridgeDelivery && {
        webhookQueue: eventBridgeDelivery.queue,
        webhookDeadLetterQueue: eventBridgeDelivery.deadLetterQueue,
        webhookEvents,
      }),
      scheduler,
      shopify,
      secrets,
      kms,
      events,
      cloudWatch,
      redriveDeadLetters: () => deadLetterQueue.redriveTo(syncQueue),
      stop: stopAll,
    };
  } catch (error) {
    // The start failure is the error worth reporting; a cleanup failure on top would hide it.
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/**
 * What the stack's EventBridgeDelivery construct deploys, locally: the partner bus's rule sends
 * Shopify's webhook events to a queue (with its dead-letter queue) that the ingest reads.
 */
function localEventBridgeDelivery(sqs: LocalSqs, events: LocalEventBridge, source: string) {
  const deadLetterQueue = sqs.createQueue({ name: localDefaults.webhookDeadLetterQueueName });
  const queue = sqs.createQueue({
    name: localDefaults.webhookQueueName,
    visibilityTimeoutSeconds: 6 * lambdaTimeoutSeconds.webhookEvents,
    // Shopify puts bodies up to 1,000,000 bytes inline; SQS takes 1 MiB messages.
    maximumMessageSizeBytes: 1_048_576,
    deadLetter: { queue: deadLetterQueue, maxReceiveCount: localDefaults.webhookMaxReceives },
  });
  events.addRule({
    eventBusName: source,
    source,
    detailType: SHOPIFY_WEBHOOK_DETAIL_TYPE,
    target: (eventText) => queue.send({ body: eventText }),
  });
  return { source, queue, deadLetterQueue };
}
