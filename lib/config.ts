import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { defaultResourceNames, resourceNames } from '../lambdas/resources/registry.js';
import { metafieldNamespacesSchema } from '../lambdas/resources/kit/metafields.js';
import { apiVersionPattern, SHOPIFY_API_VERSION } from '../lambdas/shopify/api-version.js';
import { shopifyEventSourcePattern } from '../lambdas/core/webhooks/eventbridge-delivery.js';
import { updatedSinceIndexSteps } from '../lambdas/adapters/dynamodb/table-definitions.js';

/**
 * The deployment's settings. They come from CDK context (cdk.json, or `-c key=value` on the
 * command line) and are validated once, before any construct is created, so a typo fails the
 * synth with the key's name instead of deploying something subtly wrong.
 */

const SHOPIFY_ADMIN_URL_TEMPLATE = 'https://{shop}/admin/api/{version}/graphql.json';

const retentionPeriods = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

/** `-c key=value` always yields strings; accept the numbers and booleans they spell. */
const fromCliNumber = (value: unknown): unknown =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
const fromCliBoolean = (value: unknown): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

const integer = (message: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    fromCliNumber,
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  );

/** A JSON-valued key: cdk.json gives the value, `-c key='{…}'` its text. */
const fromCliJson = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/**
 * EventBridge schedule expressions: `rate(1 hour)` (singular unit only for 1) or a six-field
 * `cron(...)` where exactly one of day-of-month and day-of-week is `?`. Checked here because
 * CloudFormation would only reject them halfway through a deployment.
 */
export const isScheduleExpression = (expression: string): boolean => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const singular = !rate[2]!.endsWith('s');
    return value >= 1 && singular === (value === 1);
  }
  const cron = /^cron\(([^()]+)\)$/.exec(expression);
  if (!cron) return false;
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) return false;
  const [, , dayOfMonth, , dayOfWeek] = fields;
  return (dayOfMonth === '?') !== (dayOfWeek === '?');
};

const scheduleExpression = z
  .string({ error: 'expected a schedule expression' })
  .refine(isScheduleExpression, {
    error: 'expected an EventBridge schedule expression such as "rate(1 hour)" or "cron(0 * * * ? *)"',
  });

export const configSchema = z
  .object({
    /** Names the stack (`ShopifySync-<stage>`), so several deployments can share an account. */
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, {
        error: 'expected 1-20 lower-case letters, digits or hyphens, starting with a letter',
      })
      .default('dev'),
    /**
     * The documents and payload schemas are validated against SHOPIFY_API_VERSION only; another
     * value is for trying the next version before upgrading (docs/upgrading-shopify-api.md).
     */
    shopifyApiVersion: z
      .string()
      .regex(apiVersionPattern, {
        error: `expected a Shopify API version YYYY-MM (a quarterly release, e.g. ${SHOPIFY_API_VERSION})`,
      })
      .default(SHOPIFY_API_VERSION),
    shopifyAdminUrlTemplate: z
      .string()
      .refine((t) => t.startsWith('https://') && t.includes('{shop}') && t.includes('{version}'), {
        error: 'expected an https URL template containing {shop} and {version}',
      })
      .default(SHOPIFY_ADMIN_URL_TEMPLATE),
    /**
     * Which Shopify resources to mirror: `-c resources=customers,orders` or a JSON array in
     * cdk.json. Default: customers, orders, products; locations and inventory are opt-in.
     */
    resources: z
      .preprocess(
        (value) => (typeof value === 'string' ? value.split(',').map((name) => name.trim()) : value),
        z
          .array(
            z.enum(resourceNames, { error: `expected resource names among ${resourceNames.join(', ')}` }),
          )
          .min(1, { error: 'expected at least one resource' })
          .refine((names) => new Set(names).size === names.length, { error: 'expected each resource once' }),
      )
      .default([...defaultResourceNames]),
    /**
     * Metafields mirrored on the owner's record, by namespace:
     * `{"products": ["custom", "specs"], "customers": ["loyalty"]}` (JSON on the command line too).
     * Only customers, orders and products have them; none by default.
     */
    metafieldNamespaces: z.preprocess(fromCliJson, metafieldNamespacesSchema).default({}),
    syncSchedule: scheduleExpression.default('rate(1 hour)'),
    healthCheckSchedule: scheduleExpression.default('rate(1 day)'),
    minSyncIntervalMinutes: integer('expected a positive integer', 1).default(30),
    syncOverlapMinutes: integer('expected a non-negative integer', 0).default(5),
    /** Full syncs and reconcile listings of stores with more records than this use bulk operations. */
    bulkSyncThreshold: integer('expected a non-negative integer', 0).default(10_000),
    alarmEmail: z.email({ error: 'expected an email address' }).optional(),
    removalPolicy: z
      .enum(['retain', 'destroy'], { error: 'expected "retain" or "destroy"' })
      .default('retain'),
    // Lambda's own limit is 900 s; the worker hands the rest of a long sync to a continuation message.
    workerTimeoutSeconds: integer('expected an integer between 30 and 900', 30, 900).default(300),
    workerReservedConcurrency: integer('expected a positive integer', 1).optional(),
    // Lambda's SQS event source accepts 2..1000.
    // The long-work lane's event source (initial syncs, continuations; core/sync/sync-lanes.ts).
    workerMaxConcurrency: integer('expected an integer between 2 and 1000', 2, 1000).default(5),
    // The incremental lane's (hourly and manual syncs): its own share, whatever the long lane holds.
    incrementalWorkerMaxConcurrency: integer('expected an integer between 2 and 1000', 2, 1000).default(5),
    logRetentionDays: z
      .preprocess(
        fromCliNumber,
        z.number().refine((days) => retentionPeriods.includes(days), {
          error: `expected one of CloudWatch's retention periods: ${retentionPeriods.join(', ')}`,
        }),
      )
      .default(RetentionDays.THREE_MONTHS),
    logLevel: z
      .enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'expected DEBUG, INFO, WARN or ERROR' })
      .default('INFO'),
    tracing: z.preprocess(fromCliBoolean, z.boolean({ error: 'expected true or false' })).default(false),
    // customers/data_request exports hold personal data: kept this long, then DynamoDB's TTL removes them.
    dataExportRetentionDays: integer('expected an integer between 1 and 3650', 1, 3650).default(30),
    /**
     * Where backend events go: the account's `default` EventBridge bus, or a bus the stack
     * creates (`stack`, named `shopify-sync-<stage>`) to keep them apart from other applications.
     */
    eventBus: z.enum(['default', 'stack'], { error: 'expected "default" or "stack"' }).default('default'),
    /** A store whose syncs keep finding changes with no webhook for this long has lost its webhooks. */
    webhooksSilentAfterHours: integer('expected an integer between 1 and 168', 1, 168).default(6),
    apiThrottleRateLimit: integer('expected a positive integer', 1).default(100),
    apiThrottleBurstLimit: integer('expected a positive integer', 1).default(200),
    /**
     * The public webhook route's own throttle, apart from the IAM routes' default above: room for
     * Shopify's deliveries to many stores, while a flood of unsigned requests stops at this route.
     */
    /** The deployment's Shopify app: its client id (Partner Dashboard or Dev Dashboard). */
    shopifyAppClientId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'expected the app client id (letters, digits, "-" or "_")' })
      .optional(),
    /**
     * `public` (default): an app on Shopify's App Store or unlisted; its static tokens must become
     * expiring ones before 2027-01-01 and are migrated. `custom`: a custom app; static tokens stay.
     */
    shopifyAppDistribution: z
      .enum(['public', 'custom'], { error: 'expected "public" or "custom"' })
      .default('public'),
    /**
     * The step a deployment is at in the move to the write-sharded `updatedSince` index
     * (docs/upgrading.md): `sharded` (default, new deployments); a deployment from before it goes
     * `unsharded` → `adding-sharded` → (backfill) → `reading-sharded` → `sharded`, one deploy each.
     * Absent stays absent (not the default filled in): the Storage construct warns at synth then,
     * since an existing deployment updated without it would lose its old index in one jump.
     */
    updatedSinceIndex: z
      .enum(updatedSinceIndexSteps, {
        error: `expected one of ${updatedSinceIndexSteps.join(', ')}`,
      })
      .optional(),
    /** Mirror full order history: the install asks for read_all_orders too. */
    readAllOrders: z
      .preprocess(fromCliBoolean, z.boolean({ error: 'expected true or false' }))
      .default(false),
    /** Where an install may send the merchant back to: exact URLs, or prefixes ending in "/". */
    installReturnUrls: z
      .preprocess(
        (value) =>
          typeof value === 'string'
            ? value
                .split(',')
                .map((url) => url.trim())
                .filter(Boolean)
            : value,
        z.array(z.url({ protocol: /^https$/, error: 'expected https URLs' })),
      )
      .default([]),
    oauthCallbackThrottleRateLimit: integer('expected a positive integer', 1).default(10),
    oauthCallbackThrottleBurstLimit: integer('expected a positive integer', 1).default(20),
    webhookThrottleRateLimit: integer('expected a positive integer', 1).default(500),
    /**
     * Off by default. `{"rateLimitPer5Min": 2000}` serves the webhook route behind AWS WAF, whose
     * rate-based rule blocks one source IP past that many requests in 5 minutes (WAF's own
     * bounds: 10 to 2,000,000,000). Accepts JSON on the command line: -c webhookWaf='{…}'.
     */
    webhookWaf: z
      .preprocess(
        fromCliJson,
        z.strictObject(
          {
            rateLimitPer5Min: integer('expected an integer between 10 and 2000000000', 10, 2_000_000_000),
          },
          { error: 'expected {"rateLimitPer5Min": <requests per source IP per 5 minutes>}' },
        ),
      )
      .optional(),
    webhookThrottleBurstLimit: integer('expected a positive integer', 1).default(1000),
    /**
     * How the stores' webhook subscriptions are delivered: `https` to POST /webhooks/shopify, or
     * `eventbridge` through the app's Shopify partner event source (README, "Webhook delivery").
     * The compliance topics and stores connected with their own webhook secret stay on HTTPS.
     */
    webhookDelivery: z
      .enum(['https', 'eventbridge'], { error: 'expected "https" or "eventbridge"' })
      .default('https'),
    /** The partner event source of `eventbridge` delivery, as the Partner Dashboard names it. */
    shopifyEventSource: z
      .string({ error: 'expected a partner event source name' })
      .regex(shopifyEventSourcePattern, {
        error: 'expected aws.partner/shopify.com/<app id>/<event source name>',
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    // Lambda's guidance: reserve at least the event sources' maximum concurrency together, or
    // the pollers' invocations are throttled and messages wait although a lane has room.
    const lanes = config.workerMaxConcurrency + config.incrementalWorkerMaxConcurrency;
    if (config.workerReservedConcurrency !== undefined && config.workerReservedConcurrency < lanes) {
      ctx.addIssue({
        code: 'custom',
        path: ['workerReservedConcurrency'],
        message: `expected at least workerMaxConcurrency + incrementalWorkerMaxConcurrency (${lanes})`,
      });
    }
    for (const resource of Object.keys(config.metafieldNamespaces)) {
      if (!(config.resources as readonly string[]).includes(resource)) {
        ctx.addIssue({
          code: 'custom',
          path: ['metafieldNamespaces', resource],
          message: `names a resource this deployment does not mirror (resources: ${config.resources.join(',')})`,
        });
      }
    }
    if (config.webhookDelivery === 'eventbridge' && config.shopifyEventSource === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shopifyEventSource'],
        message: 'required when webhookDelivery is "eventbridge" (aws.partner/shopify.com/<app id>/<name>)',
      });
    }
    // Only meaningful once the interval itself is valid (its own issue is already reported).
    if (config.minSyncIntervalMinutes >= 1 && config.syncOverlapMinutes >= config.minSyncIntervalMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['syncOverlapMinutes'],
        message: `expected less than minSyncIntervalMinutes (${config.minSyncIntervalMinutes})`,
      });
    }
  });

export type ShopifySyncConfig = z.output<typeof configSchema>;

/**
 * Minutes between two syncs of one store: the schedule's rate, or the minimum interval if that is
 * longer. A cron schedule is taken as hourly (its period is not one number).
 */
export const syncIntervalMinutes = (
  config: Pick<ShopifySyncConfig, 'syncSchedule' | 'minSyncIntervalMinutes'>,
): number => {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(config.syncSchedule);
  const scheduleMinutes = rate
    ? Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute']
    : 60;
  return Math.max(scheduleMinutes, config.minSyncIntervalMinutes);
};

/** The issue's definition of stale: no successful sync for more than three sync intervals. */
export const staleAfterMinutes = (
  config: Pick<ShopifySyncConfig, 'syncSchedule' | 'minSyncIntervalMinutes'>,
) => 3 * syncIntervalMinutes(config);

export const configKeys = Object.keys(configSchema.shape) as readonly (keyof ShopifySyncConfig)[];

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
}

/** Validates raw settings; the error lists every bad key, one per line. */
export const parseConfig = (raw: Record<string, unknown>): ShopifySyncConfig => {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `Invalid context "${issue.path.join('.')}": ${issue.message}`,
  );
  throw new InvalidConfigError([...new Set(lines)].join('\n'));
};

/** Edit distance, to suggest the key a typo meant. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (const [i, charA] of [...a].entries()) {
    const current = [i + 1];
    for (const [j, charB] of [...b].entries()) {
      current.push(Math.min(previous[j + 1]! + 1, current[j]! + 1, previous[j]! + (charA === charB ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
};

/**
 * Context keys shaped like this stack's settings (camelCase) that are not one of them: a typo in
 * `alarmEmail` must fail the synth, not silently deploy without an alarm email. CDK's own keys
 * (`@aws-cdk/...`, `aws:cdk:...`, lookups with `:`, kebab-case such as `acknowledged-issue-numbers`)
 * never have that shape.
 */
export const unknownContextKeys = (keys: Iterable<string>): string[] =>
  [...keys].filter(
    (key) => /^[a-z][A-Za-z0-9]*$/.test(key) && !(configKeys as readonly string[]).includes(key),
  );

const unknownKeyLine = (key: string): string => {
  const [closest] = [...configKeys].sort((a, b) => distance(key, a) - distance(key, b));
  const hint = closest && distance(key, closest) <= 3 ? ` (did you mean "${closest}"?)` : '';
  return `Unknown context "${key}": not a setting of this stack${hint}`;
};

/** Reads every known key from CDK context; keys that are absent take their defaults. */
export const configFromContext = (node: Node): ShopifySyncConfig => {
  const unknown = unknownContextKeys(Object.keys(node.getAllContext() as Record<string, unknown>));
  let config: ShopifySyncConfig | undefined;
  let invalid: string[] = [];
  try {
    config = parseConfig(Object.fromEntries(configKeys.map((key) => [key, node.tryGetContext(key)])));
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    invalid = error.message.split('\n');
  }
  if (unknown.length > 0 || !config) {
    throw new InvalidConfigError([...unknown.map(unknownKeyLine), ...invalid].join('\n'));
  }
  return config;
};
