/**
 * The Lambda environment, described once. The stack (lib/) fills it from the CDK config, the
 * local runtime (local/runtime.ts) from its local services, and the composition root parses it
 * at cold start: a missing or bad variable fails there, naming the variable, in every world.
 * Every Lambda receives the same environment, and both worlds build it with `lambdaEnvironment`
 * from what they know (their tables, URLs, settings), so neither writes the variables itself.
 */
import * as z from 'zod';
import { lazily } from '../core/lazily.js';
import { resourceNames } from '../resources/registry.js';
import { metafieldNamespacesSchema, type MetafieldNamespaces } from '../resources/kit/metafields.js';
import { defaultSyncConfig } from '../core/sync-config.js';
import { DEFAULT_DATA_EXPORT_RETENTION_DAYS } from '../adapters/dynamodb/data-export-store.js';
import {
  DEFAULT_UPDATED_SINCE_INDEX_STEP,
  type TableNames,
  tableDefinitions,
  tableEnvVar,
  updatedSinceIndexSteps,
} from '../adapters/dynamodb/table-definitions.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Settings besides the table names (those follow the table definitions: `<TABLE>_TABLE`). */
const buildSettingsSchema = () =>
  z.object({
    /** The long-work lane's sync queue (initial syncs, continuations); core/sync/sync-lanes.ts. */
    SYNC_QUEUE_URL: z.url(),
    /** The incremental lane's queue (hourly and manual syncs). */
    INCREMENTAL_SYNC_QUEUE_URL: z.url(),
    /**
     * POST /webhooks/shopify: where Shopify delivers over HTTPS (the subscriptions of `https` mode,
     * the compliance topics, and stores connected with a webhook secret of their own).
     */
    WEBHOOK_CALLBACK_URL: z.url(),
    /** CDK context `webhookDelivery`: how the stores' webhook subscriptions are delivered. */
    WEBHOOK_DELIVERY: z.enum(['https', 'eventbridge']).default('https'),
    /**
     * `arn:aws:events:<region>::event-source/aws.partner/shopify.com/<app id>/<name>`: the `uri` of
     * the subscriptions in `eventbridge` mode; empty in `https` mode.
     */
    SHOPIFY_EVENT_SOURCE_ARN: z
      .string()
      .regex(
        /^(arn:aws:events:[a-z0-9-]+::event-source\/aws\.partner\/shopify\.com\/\d+\/[\w.-]+)?$/,
        'must be arn:aws:events:<region>::event-source/aws.partner/shopify.com/<app id>/<name>',
      )
      .default(''),
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
    /** Which `updatedSince` index the read API lists from: the migration step (CDK context `updatedSinceIndex`). */
    UPDATED_SINCE_INDEX: z.enum(updatedSinceIndexSteps).default(DEFAULT_UPDATED_SINCE_INDEX_STEP),
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
    /** JSON `{ "<resource>": ["<namespace>", …] }`: the metafields mirrored (CDK context `metafieldNamespaces`). */
    METAFIELD_NAMESPACES: z
      .string()
      .default('{}')
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'expected JSON' });
          return z.NEVER;
        }
      })
      .pipe(metafieldNamespacesSchema),
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

/** Built on first parse: the webhook's cold start evaluates this module (lazily.ts). */
const lambdaSettingsSchema = lazily(buildSettingsSchema);

type TableVariable = (typeof tableEnvVar)[keyof typeof tableEnvVar];

/** Known only once the queue and the API exist: the stack adds them to every function later. */
export type LateVariable =
  'SYNC_QUEUE_URL' | 'INCREMENTAL_SYNC_QUEUE_URL' | 'WEBHOOK_CALLBACK_URL' | 'OAUTH_CALLBACK_URL';

type SettingVariable = keyof z.input<ReturnType<typeof buildSettingsSchema>>;

/** What the stack and the local runtime set: every value a string, as Lambda passes them. */
export type LambdaEnvironment = { readonly [K in SettingVariable]-?: string } & {
  readonly [K in TableVariable]: string;
};

export type LambdaSettings = z.output<ReturnType<typeof buildSettingsSchema>> & {
  readonly tables: TableNames;
};

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
  const parsed = lambdaSettingsSchema().safeParse(env);
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  else if (parsed.data.WEBHOOK_DELIVERY === 'eventbridge' && !parsed.data.SHOPIFY_EVENT_SOURCE_ARN)
    problems.push('SHOPIFY_EVENT_SOURCE_ARN: required when WEBHOOK_DELIVERY is eventbridge');
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

/** What a deployment (the stack, or the local runtime) knows, from which the environment follows. */
export interface LambdaDeployment {
  readonly tables: TableNames;
  readonly appSecretArn: string;
  readonly tokenKeyId: string;
  readonly shopify: {
    readonly apiVersion: string;
    readonly adminUrlTemplate: string;
    /** `https://{shop}` unless a simulator stands in for Shopify. */
    readonly shopUrlTemplate?: string;
    /** Absent: no install flow, no token renewal. */
    readonly appClientId?: string;
    readonly appDistribution: 'public' | 'custom';
    readonly readAllOrders: boolean;
    /** Shopify's object limit per paged listing (25,000; lowered with a simulator's in tests). */
    readonly listingLimit?: number;
  };
  readonly installReturnUrls: readonly string[];
  /** The resources this deployment mirrors. */
  readonly resources: readonly string[];
  /** The metafield namespaces mirrored on customers, orders and products (none: no metafields). */
  readonly metafieldNamespaces?: MetafieldNamespaces;
  /** Where the updatedSince listing reads during the sharded index's migration (docs/upgrading.md). */
  readonly updatedSinceIndex: string;
  readonly sync: {
    readonly minIntervalMinutes: number;
    readonly overlapMinutes: number;
    /** The sync queue's maxReceiveCount: the last attempt fails the run before the DLQ. */
    readonly maxReceives: number;
    /** The sync queue's: no retry waits longer than SQS would have made it wait anyway. */
    readonly visibilityTimeoutSeconds: number;
    readonly bulkThreshold?: number;
  };
  readonly dataExportRetentionDays: number;
  readonly observability: {
    readonly serviceName: string;
    readonly metricsNamespace: string;
    /** X-Ray tracing; absent: left to Powertools' default. */
    readonly tracing?: boolean;
  };
  readonly eventBusName: string;
  readonly staleAfterMinutes: number;
  readonly webhooksSilentAfterMinutes: number;
  /** How the stores' subscriptions deliver; the partner event source's ARN when `eventbridge`. */
  readonly webhookDelivery: { readonly mode: 'https' | 'eventbridge'; readonly eventSourceArn?: string };
}

/** Every variable but the late ones; values are strings, as Lambda passes them. */
export type DeploymentEnvironment = { readonly [K in Exclude<SettingVariable, LateVariable>]-?: string } & {
  readonly [K in TableVariable]: string;
} & { readonly POWERTOOLS_TRACE_ENABLED?: string };

/**
 * The environment every Lambda of a deployment receives, but for the late variables. The
 * settings no deployment chooses (lease TTL, run retention, write concurrency) come from
 * `defaultSyncConfig` here, once.
 */
export const lambdaEnvironment = (deployment: LambdaDeployment): DeploymentEnvironment => {
  const { shopify, sync, observability } = deployment;
  const visibility = Math.max(1, sync.visibilityTimeoutSeconds);
  return {
    ...tableEnvironment(deployment.tables),
    SHOPIFY_API_VERSION: shopify.apiVersion,
    SHOPIFY_ADMIN_URL_TEMPLATE: shopify.adminUrlTemplate,
    SHOPIFY_SHOP_URL_TEMPLATE: shopify.shopUrlTemplate ?? 'https://{shop}',
    SHOPIFY_APP_CLIENT_ID: shopify.appClientId ?? '',
    SHOPIFY_APP_DISTRIBUTION: shopify.appDistribution,
    READ_ALL_ORDERS: String(shopify.readAllOrders),
    SHOPIFY_LISTING_LIMIT: String(shopify.listingLimit ?? 25_000),
    INSTALL_RETURN_URLS: deployment.installReturnUrls.join(','),
    APP_SECRET_ARN: deployment.appSecretArn,
    TOKEN_KEY_ID: deployment.tokenKeyId,
    SYNCED_RESOURCES: deployment.resources.join(','),
    METAFIELD_NAMESPACES: JSON.stringify(deployment.metafieldNamespaces ?? {}),
    UPDATED_SINCE_INDEX: deployment.updatedSinceIndex,
    MIN_SYNC_INTERVAL_MINUTES: String(sync.minIntervalMinutes),
    SYNC_OVERLAP_MINUTES: String(sync.overlapMinutes),
    SYNC_LEASE_TTL_SECONDS: String(defaultSyncConfig.leaseTtlMs / 1000),
    SYNC_MAX_RECEIVES: String(sync.maxReceives),
    SYNC_RUN_RETENTION_DAYS: String(defaultSyncConfig.runRetentionDays),
    SYNC_WRITE_CONCURRENCY: String(defaultSyncConfig.writeConcurrency),
    SYNC_RETRY_BASE_SECONDS: String(Math.min(defaultSyncConfig.retryBaseSeconds, visibility)),
    SYNC_RETRY_MAX_SECONDS: String(visibility),
    BULK_SYNC_THRESHOLD: String(sync.bulkThreshold ?? defaultSyncConfig.bulkThreshold),
    DATA_EXPORT_RETENTION_DAYS: String(deployment.dataExportRetentionDays),
    POWERTOOLS_SERVICE_NAME: observability.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
    ...(observability.tracing !== undefined && { POWERTOOLS_TRACE_ENABLED: String(observability.tracing) }),
    EVENT_BUS_NAME: deployment.eventBusName,
    STALE_AFTER_MINUTES: String(deployment.staleAfterMinutes),
    WEBHOOKS_SILENT_AFTER_MINUTES: String(deployment.webhooksSilentAfterMinutes),
    WEBHOOK_DELIVERY: deployment.webhookDelivery.mode,
    SHOPIFY_EVENT_SOURCE_ARN: deployment.webhookDelivery.eventSourceArn ?? '',
  };
};
