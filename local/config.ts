import { SHOPIFY_API_VERSION } from '../lambdas/shopify/api-version.js';

/**
 * The numbers the local runtime shares with the deployed stack. They mirror lib/config.ts defaults
 * and lib/constructs (kept apart so `npm start` never loads aws-cdk-lib);
 * test/integration/local-runtime/config-parity.test.ts fails when they drift.
 */
export const localDefaults = {
  /** Physical table names are `local-Customers`, `local-Integrations`, ... */
  tablePrefix: 'local-',
  /** Fixed ports for `npm start`, so printed curl commands keep working across restarts. */
  apiPort: 3000,
  shopifySimulatorPort: 3001,
  awsPort: 3002,
  /** DynamoDB Local's customary port. */
  dynamoPort: 8000,
  shopifyApiVersion: SHOPIFY_API_VERSION,
  minSyncIntervalMinutes: 30,
  syncOverlapMinutes: 5,
  dataExportRetentionDays: 30,
  syncQueueName: 'local-sync',
  incrementalSyncQueueName: 'local-incremental-sync',
  syncDeadLetterQueueName: 'local-sync-dlq',
  /** `WEBHOOK_DELIVERY=eventbridge`: the partner event source, and the queue its rule feeds. */
  shopifyEventSource: 'aws.partner/shopify.com/1000001/shopify-sync-local',
  webhookQueueName: 'local-webhooks',
  webhookDeadLetterQueueName: 'local-webhooks-dlq',
  /** lib/constructs/eventbridge-delivery.ts WEBHOOK_EVENT_MAX_RECEIVES. */
  webhookMaxReceives: 5,
  /** EventBridge `rate(1 hour)` and `rate(1 day)`. */
  syncScheduleSeconds: 3600,
  healthCheckScheduleSeconds: 86_400,
  /** lib/config.ts staleAfterMinutes: 3 × the hourly sync interval. */
  staleAfterMinutes: 180,
  /** lib/config.ts webhooksSilentAfterHours (6) in minutes. */
  webhooksSilentAfterMinutes: 360,
  /**
   * `npm start` mirrors the demo store's metafields (seeded in `custom`). A deployment configures
   * none by default (lib/config.ts `metafieldNamespaces`): here the demo shows them.
   */
  demoMetafieldNamespaces: { customers: ['custom'], orders: ['custom'], products: ['custom'] },
} as const;

/** Lambda timeouts, as in lib/constructs (API Gateway caps synchronous integrations at 30 s). */
export const lambdaTimeoutSeconds = {
  webhook: 10,
  webhookEvents: 60,
  api: 29,
  fanOut: 300,
  syncWorker: 300,
  healthCheck: 900,
} as const;

export interface SyncQueueSettings {
  /** After this many receives a message goes to the dead-letter queue instead. */
  readonly maxReceiveCount: number;
  /** AWS recommends at least 6× the consumer's timeout so a slow batch is never delivered twice. */
  readonly visibilityTimeoutSeconds: number;
  readonly batchSize: number;
  /** The long-work lane's event source maximum concurrency (lib/config.ts `workerMaxConcurrency`). */
  readonly maxConcurrency: number;
  /** The incremental lane's (lib/config.ts `incrementalWorkerMaxConcurrency`). */
  readonly incrementalMaxConcurrency: number;
  readonly workerTimeoutSeconds: number;
}

export const syncQueueSettings = (
  workerTimeoutSeconds: number = lambdaTimeoutSeconds.syncWorker,
): SyncQueueSettings => ({
  maxReceiveCount: 5,
  visibilityTimeoutSeconds: 6 * workerTimeoutSeconds,
  // One message is one sync that uses the worker's whole time budget.
  batchSize: 1,
  maxConcurrency: 5,
  incrementalMaxConcurrency: 5,
  workerTimeoutSeconds,
});
