import { z } from 'zod';
import {
  defineCommand,
  exitWithUsage,
  integerOption,
  parseCommandLine,
} from '../scripts/support/command-line.js';
import { shopifyEventSourcePattern } from '../lambdas/core/webhooks/eventbridge-delivery.js';
import { localDefaults } from './config.js';
import { portTaken } from './dynamodb-local.js';
import type { LocalRuntimeOptions } from './runtime.js';

/**
 * What `npm start` reads: its options and its environment settings, each defined once with its
 * help (`npm start -- --help` prints them), and the ports it binds with the variable that moves each.
 */
const port = z.coerce.number().int().min(0).max(65_535);
export const settingsSchema = z.object({
  API_PORT: port
    .default(localDefaults.apiPort)
    .describe('Port of the HTTP API, the console and /openapi.json'),
  AWS_LOCAL_PORT: port
    .default(localDefaults.awsPort)
    .describe('Port of the local SQS / Secrets Manager / KMS / EventBridge endpoint'),
  DYNAMODB_ENDPOINT: z
    .url()
    .optional()
    .describe('Use this DynamoDB (e.g. a DynamoDB Local you run) instead of starting one'),
  DYNAMODB_LOCAL_PORT: port
    .default(localDefaults.dynamoPort)
    .describe('Port of the DynamoDB Local this runtime starts; it refuses to start if the port is taken'),
  SHOPIFY_SIMULATOR_PORT: port
    .default(localDefaults.shopifySimulatorPort)
    .describe('Port of the Shopify simulator'),
  SHOPIFY_ADMIN_URL_TEMPLATE: z
    .string()
    .refine((t) => t.includes('{shop}') && t.includes('{version}'), 'must contain {shop} and {version}')
    .optional()
    .describe('A Shopify-compatible Admin API ({shop} and {version} filled in) instead of the simulator'),
  SHOPIFY_APP_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe('The app secret webhooks are signed with (with SHOPIFY_ADMIN_URL_TEMPLATE)'),
  SHOPIFY_APP_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .describe("The app's client id (the simulator's by default)"),
  SHOPIFY_APP_DISTRIBUTION: z
    .enum(['public', 'custom'])
    .default('public')
    .describe('public (default): static tokens are exchanged for expiring ones; custom: they stay'),
  SHOPIFY_SHOP_URL_TEMPLATE: z
    .string()
    .includes('{shop}', { message: 'must contain {shop}' })
    .optional()
    .describe(
      "A Shopify-compatible server's shop URL ({shop}): OAuth at …/admin/oauth, the Admin API below it",
    ),
  // Metrics go to CloudWatch as EMF log lines; locally they would only bury the logs.
  POWERTOOLS_METRICS_DISABLED: z
    .enum(['true', 'false'])
    .default('true')
    .describe('Whether the handlers skip their EMF metric lines'),
  POWERTOOLS_LOG_LEVEL: z
    .string()
    .toUpperCase()
    .pipe(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']))
    .optional()
    .describe("The handlers' log level: DEBUG, INFO, WARN or ERROR (as --log-level); INFO by default"),
  SCHEDULE_EVERY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Fan-out schedule in seconds (as --schedule-every); hourly by default'),
  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/)
    .default(localDefaults.tablePrefix)
    .describe('Prefix of the DynamoDB table names'),
  // CDK context webhookDelivery / shopifyEventSource, locally.
  WEBHOOK_DELIVERY: z
    .enum(['https', 'eventbridge'])
    .default('https')
    .describe('How webhooks arrive: https (POST /webhooks/shopify) or eventbridge (partner event source)'),
  SHOPIFY_EVENT_SOURCE: z
    .string()
    .regex(shopifyEventSourcePattern, 'must be aws.partner/shopify.com/<app id>/<name>')
    .optional()
    .describe('The partner event source of eventbridge delivery (a local one by default)'),
});

/** The variable that moves each port `npm start` binds, and what binds it. */
export const portSettings = [
  ['API_PORT', 'the HTTP API'],
  ['SHOPIFY_SIMULATOR_PORT', 'the Shopify simulator'],
  ['AWS_LOCAL_PORT', 'the local AWS endpoint'],
  ['DYNAMODB_LOCAL_PORT', 'DynamoDB Local'],
] as const;

export const startCommand = defineCommand({
  usage: 'npm start -- [options]',
  summary:
    'Runs shopify-sync on this machine: the real Lambda handlers behind a local HTTP API, DynamoDB Local, ' +
    'local SQS / Secrets Manager / KMS, and a Shopify simulator with a demo store it connects and syncs. ' +
    'Ctrl-C stops everything.',
  options: {
    'schedule-every': {
      type: 'string',
      valueName: 'seconds',
      description: 'Run the scheduled sync fan-out every N seconds instead of hourly',
    },
    'no-connect': { type: 'boolean', description: 'Do not connect the demo store at start-up' },
    verbose: {
      type: 'boolean',
      short: 'v',
      description: "Print every HTTP request and the handlers' full JSON log lines",
    },
    'log-level': {
      type: 'string',
      valueName: 'level',
      description:
        "The handlers' log level: DEBUG, INFO, WARN or ERROR (default INFO);\nlines at it are printed in full, as with --verbose",
    },
  },
  environment: settingsSchema,
  examples: [
    'npm start',
    'API_PORT=4000 DYNAMODB_LOCAL_PORT=8010 npm start',
    'npm start -- --schedule-every 60 --verbose',
  ],
});

export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
}

export interface StartSettings {
  readonly runtime: LocalRuntimeOptions;
  readonly connectDemo: boolean;
  /** Full JSON log lines and the request log, instead of one compact line per event. */
  readonly verbose: boolean;
  readonly ports: readonly { variable: string; service: string; port: number }[];
}

export function readSettings(): StartSettings {
  const values = parseCommandLine(startCommand);
  const logLevel = values['log-level']?.toUpperCase();
  if (logLevel !== undefined && !['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(logLevel))
    exitWithUsage(startCommand, `--log-level takes DEBUG, INFO, WARN or ERROR, not "${values['log-level']}"`);
  const scheduleEvery =
    values['schedule-every'] === undefined
      ? undefined
      : integerOption(startCommand, 'schedule-every', values['schedule-every'], { min: 1 });
  const env = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
  const parsed = settingsSchema.safeParse({
    ...env,
    ...(scheduleEvery && { SCHEDULE_EVERY_SECONDS: scheduleEvery }),
    ...(logLevel && { POWERTOOLS_LOG_LEVEL: logLevel }),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
      .join('\n');
    throw new InvalidSettingsError(
      `Invalid local runtime settings:\n${problems}\n(npm start -- --help lists them)`,
    );
  }
  const settings = parsed.data;
  const verbose = values.verbose === true || logLevel !== undefined;
  return {
    connectDemo: !values['no-connect'],
    verbose,
    ports: portSettings
      .filter(([variable]) => variable !== 'DYNAMODB_LOCAL_PORT' || !settings.DYNAMODB_ENDPOINT)
      .map(([variable, service]) => ({ variable, service, port: settings[variable] })),
    runtime: {
      apiPort: settings.API_PORT,
      lambdaEnv: {
        POWERTOOLS_METRICS_DISABLED: settings.POWERTOOLS_METRICS_DISABLED,
        POWERTOOLS_LOG_LEVEL: settings.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      },
      tablePrefix: settings.TABLE_PREFIX,
      awsPort: settings.AWS_LOCAL_PORT,
      ...(settings.DYNAMODB_ENDPOINT
        ? { dynamoEndpoint: settings.DYNAMODB_ENDPOINT }
        : { dynamoPort: settings.DYNAMODB_LOCAL_PORT }),
      shopifySimulatorPort: settings.SHOPIFY_SIMULATOR_PORT,
      ...(settings.SHOPIFY_ADMIN_URL_TEMPLATE && {
        shopifyAdminUrlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
      }),
      ...(settings.SHOPIFY_APP_SECRET && { shopifyAppSecret: settings.SHOPIFY_APP_SECRET }),
      ...(settings.SHOPIFY_APP_CLIENT_ID && { shopifyAppClientId: settings.SHOPIFY_APP_CLIENT_ID }),
      shopifyAppDistribution: settings.SHOPIFY_APP_DISTRIBUTION,
      ...(settings.SHOPIFY_SHOP_URL_TEMPLATE && {
        shopifyShopUrlTemplate: settings.SHOPIFY_SHOP_URL_TEMPLATE,
      }),
      ...(settings.SCHEDULE_EVERY_SECONDS && { syncEverySeconds: settings.SCHEDULE_EVERY_SECONDS }),
      webhookDelivery: settings.WEBHOOK_DELIVERY,
      ...(settings.SHOPIFY_EVENT_SOURCE && { shopifyEventSource: settings.SHOPIFY_EVENT_SOURCE }),
      logRequests: verbose,
      echoHandlerLogs: verbose,
    },
  };
}

/** A port in use, said with the variable that moves it. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
  constructor(setting: { variable: string; service: string; port: number }) {
    super(
      `Port ${setting.port} is already in use, and ${setting.service} needs it. ` +
        `Stop what holds it (another npm start?) or set ${setting.variable} to a free port, e.g. ` +
        `${setting.variable}=${setting.port + 10} npm start` +
        (setting.variable === 'DYNAMODB_LOCAL_PORT'
          ? "\n(The runtime never reuses a DynamoDB it finds there: it would carry that run's leases and data. " +
            'To use one on purpose, set DYNAMODB_ENDPOINT.)'
          : ''),
    );
  }
}

/** Fails before anything starts, naming the first port that is taken. */
export async function checkPorts(ports: StartSettings['ports']): Promise<void> {
  for (const setting of ports) {
    if (setting.port !== 0 && (await portTaken(setting.port))) throw new PortTakenError(setting);
  }
}
