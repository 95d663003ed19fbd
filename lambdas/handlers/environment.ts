/**
 * The Lambda environment, described once. The stack (lib/) fills it from the CDK config, the
 * local runtime (local/runtime.ts) from its local services, and the composition root parses it
 * at cold start: a missing or bad variable fails there, naming the variable, in every world.
 * Every Lambda receives the same environment.
 */
import * as z from 'zod';
import { resourceNames } from '../resources/registry.js';
import { defaultSyncConfig } from '../core/sync/run-sync.js';
import { DEFAULT_DATA_EXPORT_RETENTION_DAYS } from '../adapters/dynamodb/data-export-store.js';
import { type TableNames, tableDefinitions, tableEnvVar } from '../adapters/dynamodb/table-definitions.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings besides the table names (those follow the table definitions: `<TABLE>_TABLE`). */
export const lambdaSettingsSchema = z.object({
  /** The long-work lane's sync queue (initial syncs, continuations); core/sync/sync-lanes.ts. */
  SYNC_QUEUE_URL: z.url(),
  /** The incremental lane's queue (hourly and manual syncs). */
  INCREMENTAL_SYNC_QUEUE_URL: z.url(),
  /** Where Shopify delivers webhooks: the subscriptions the stores get point here. */
  WEBHOOK_CALLBACK_URL: z.url(),
  APP_SECRET_ARN: z.string().min(1),
  TOKEN_KEY_ID: z.string().min(1),
  SHOPIFY_API_VERSION: z.string().regex(/^\d{4}-(01|04|07|10)$/, 'must be YYYY-01/04/07/10'),
  SHOPIFY_ADMIN_URL_TEMPLATE: z.string().includes('{shop}').includes('{version}'),
  /** A shop's base URL: OAuth at `{shop url}/admin/oauth/…` (`https://{shop}` in production). */
  SHOPIFY_SHOP_URL_TEMPLATE: z.string().includes('{shop}').default('https://{shop}'),
  /** The deployment's Shopify app (CDK context `shopifyAppClientId`); empty: no install flow, no token renewal. */
  SHOPIFY_APP_CLIENT_ID: z.string().default(''),
  /** `public`: static tokens are migrated to expiring ones (CDK context `shopifyAppDistribution`). */
  SHOPIFY_APP_DISTRIBUTION: z.enum(['public', 'custom']).default('public'),
  /** Mirror full order history: the install asks for `read_all_orders` too (CDK context `readAllOrders`). */
  READ_ALL_ORDERS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Public URL of GET /oauth/callback: the redirect URL registered with the app. */
  OAUTH_CALLBACK_URL: z.url(),
  /** Comma-separated return URLs an install may redirect to (CDK context `installReturnUrls`). */
  INSTALL_RETURN_URLS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    ),
  /** Comma-separated names of the resources this deployment mirrors (CDK context `resources`). */
  SYNCED_RESOURCES: z
    .string()
    .transform((list) => list.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(resourceNames)).min(1)),
  MIN_SYNC_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(defaultSyncConfig.minSyncIntervalMinutes),
  SYNC_OVERLAP_MINUTES: z.coerce.number().nonnegative().default(defaultSyncConfig.overlapMinutes),
  SYNC_LEASE_TTL_SECONDS: positiveInt(defaultSyncConfig.leaseTtlMs / 1000),
  SYNC_MAX_RECEIVES: positiveInt(defaultSyncConfig.maxReceives),
  SYNC_RUN_RETENTION_DAYS: positiveInt(defaultSyncConfig.runRetentionDays),
  SYNC_WRITE_CONCURRENCY: positiveInt(defaultSyncConfig.writeConcurrency),
  /** Days a customers/data_request export is kept (CDK context `dataExportRetentionDays`). */
  DATA_EXPORT_RETENTION_DAYS: positiveInt(DEFAULT_DATA_EXPORT_RETENTION_DAYS),
  /** Shopify's object limit per paged listing: a slice that reads this many starts another. */
  SHOPIFY_LISTING_LIMIT: positiveInt(25_000),
  /** First retry delay of a failed sync attempt (then ×4); the local runtime keeps it within its short visibility timeouts. */
  SYNC_RETRY_BASE_SECONDS: positiveInt(defaultSyncConfig.retryBaseSeconds),
  /** The sync queue's visibility timeout: no retry waits longer than SQS would have. */
  SYNC_RETRY_MAX_SECONDS: positiveInt(defaultSyncConfig.retryMaxSeconds),
  /** Full syncs and reconcile listings above this many records run as bulk operations. */
  BULK_SYNC_THRESHOLD: z.coerce.number().int().nonnegative().default(defaultSyncConfig.bulkThreshold),
  POWERTOOLS_SERVICE_NAME: z.string().min(1),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1),
  /** The EventBridge bus of the backend events: `default` (the account's) or the stack's own. */
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  /** 3× the sync interval: an active store this long without a successful sync is stale. */
  STALE_AFTER_MINUTES: z.coerce.number().int().positive().default(180),
  /** A store that keeps healing with no webhook for this long has lost its deliveries. */
  WEBHOOKS_SILENT_AFTER_MINUTES: z.coerce.number().int().nonnegative().default(360),
});

type TableVariable = (typeof tableEnvVar)[keyof typeof tableEnvVar];

/** What the stack and the local runtime set: every value a string, as Lambda passes them. */
export type LambdaEnvironment = { readonly [K in keyof z.input<typeof lambdaSettingsSchema>]-?: string } & {
  readonly [K in TableVariable]: string;
};

export type LambdaSettings = z.output<typeof lambdaSettingsSchema> & { readonly tables: TableNames };

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

export const parseLambdaEnvironment = (env: Readonly<Record<string, string | undefined>>): LambdaSettings => {
  const problems: string[] = [];
  const tables = Object.fromEntries(
    tableDefinitions.map(({ id }) => {
      const name = env[tableEnvVar[id]];
      if (!name) problems.push(`${tableEnvVar[id]}: the name of the ${id} table is required`);
      return [id, name ?? ''];
    }),
  ) as TableNames;
  const parsed = lambdaSettingsSchema.safeParse(env);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  if (problems.length > 0 || !parsed.success)
    throw new InvalidEnvironmentError(`Invalid Lambda environment: ${problems.join('; ')}`);
  return { ...parsed.data, tables };
};

/** The environment variables that carry the table names, from the tables' physical names. */
export const tableEnvironment = (names: TableNames): Record<TableVariable, string> =>
  Object.fromEntries(tableDefinitions.map(({ id }) => [tableEnvVar[id], names[id]]));

/** The sync lanes' queues (core/sync/sync-lanes.ts), as the SQS adapter takes them. */
export const queueUrlsOf = (
  settings: Pick<LambdaSettings, 'SYNC_QUEUE_URL' | 'INCREMENTAL_SYNC_QUEUE_URL'>,
) => ({
  queueUrl: settings.SYNC_QUEUE_URL,
  incrementalQueueUrl: settings.INCREMENTAL_SYNC_QUEUE_URL,
});
