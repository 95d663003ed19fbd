import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  configFromContext,
  InvalidConfigError,
  isScheduleExpression,
  parseConfig,
} from '../../lib/config.js';

const errorOf = (raw: Record<string, unknown>): string => {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
};

describe('deployment config', () => {
  it('fills every setting with its documented default when the context is empty', () => {
    expect(parseConfig({})).toEqual({
      stage: 'dev',
      shopifyApiVersion: SHOPIFY_API_VERSION,
      shopifyAdminUrlTemplate: 'https://{shop}/admin/api/{version}/graphql.json',
      resources: ['customers', 'orders', 'products'],
      metafieldNamespaces: {},
      syncSchedule: 'rate(1 hour)',
      healthCheckSchedule: 'rate(1 day)',
      minSyncIntervalMinutes: 30,
      syncOverlapMinutes: 5,
      bulkSyncThreshold: 10_000,
      removalPolicy: 'retain',
      workerTimeoutSeconds: 300,
      workerMaxConcurrency: 5,
      incrementalWorkerMaxConcurrency: 5,
      logRetentionDays: 90,
      logLevel: 'INFO',
      tracing: false,
      dataExportRetentionDays: 30,
      eventBus: 'default',
      webhooksSilentAfterHours: 6,
      apiThrottleRateLimit: 100,
      apiThrottleBurstLimit: 200,
      webhookThrottleRateLimit: 500,
      webhookThrottleBurstLimit: 1000,
      shopifyAppDistribution: 'public',
      readAllOrders: false,
      installReturnUrls: [],
      oauthCallbackThrottleRateLimit: 10,
      oauthCallbackThrottleBurstLimit: 20,
      webhookDelivery: 'https',
    });
  });

  it('reads the app settings of the install flow, naming a wrong one', () => {
    const config = parseConfig({
      shopifyAppClientId: 'abc123',
      shopifyAppDistribution: 'custom',
      readAllOrders: 'true',
      installReturnUrls: 'https://app.example.com/shopify/, https://app.example.com/done',
    });
    expect(config).toMatchObject({
      shopifyAppClientId: 'abc123',
      shopifyAppDistribution: 'custom',
      readAllOrders: true,
      installReturnUrls: ['https://app.example.com/shopify/', 'https://app.example.com/done'],
    });
    expect(() => parseConfig({ shopifyAppDistribution: 'private' })).toThrow(
      /Invalid context "shopifyAppDistribution"/,
    );
    expect(() => parseConfig({ installReturnUrls: 'http://app.example.com/' })).toThrow(
      /Invalid context "installReturnUrls.0"/,
    );
  });

  it('takes webhooks through EventBridge only with a partner event source, naming the key', () => {
    const source = 'aws.partner/shopify.com/1234567/shopify-sync';
    expect(parseConfig({ webhookDelivery: 'eventbridge', shopifyEventSource: source })).toMatchObject({
      webhookDelivery: 'eventbridge',
      shopifyEventSource: source,
    });
    expect(errorOf({ webhookDelivery: 'eventbridge' })).toMatch(
      /Invalid context "shopifyEventSource": required when webhookDelivery is "eventbridge"/,
    );
    expect(
      errorOf({ webhookDelivery: 'eventbridge', shopifyEventSource: 'aws.partner/github.com/1/x' }),
    ).toMatch(
      /Invalid context "shopifyEventSource": expected aws\.partner\/shopify\.com\/<app id>\/<event source name>/,
    );
    expect(errorOf({ webhookDelivery: 'sqs' })).toMatch(/Invalid context "webhookDelivery"/);
  });

  it('rejects a webhook throttle that is not a positive integer, naming the key', () => {
    expect(parseConfig({ webhookThrottleRateLimit: '50' }).webhookThrottleRateLimit).toBe(50);
    expect(() => parseConfig({ webhookThrottleRateLimit: 0 })).toThrow(
      /Invalid context "webhookThrottleRateLimit"/,
    );
    expect(() => parseConfig({ webhookThrottleBurstLimit: 'lots' })).toThrow(
      /Invalid context "webhookThrottleBurstLimit"/,
    );
  });

  it('webhookWaf is off unless set; takes JSON from the command line or an object; refuses bounds WAF refuses', () => {
    expect(parseConfig({}).webhookWaf).toBeUndefined();
    expect(parseConfig({ webhookWaf: '{"rateLimitPer5Min": 2000}' }).webhookWaf).toEqual({
      rateLimitPer5Min: 2000,
    });
    expect(parseConfig({ webhookWaf: { rateLimitPer5Min: '300' } }).webhookWaf).toEqual({
      rateLimitPer5Min: 300,
    });
    for (const bad of [
      { rateLimitPer5Min: 5 },
      { rateLimitPer5Min: 2.5 },
      {},
      { rateLimit: 100 },
      'on',
      '{oops',
    ])
      expect(() => parseConfig({ webhookWaf: bad })).toThrow(/Invalid context "webhookWaf/);
  });

  it('selects the mirrored resources from a comma list or an array, and names a wrong one', () => {
    expect(parseConfig({ resources: 'customers' }).resources).toEqual(['customers']);
    expect(parseConfig({ resources: ['customers'] }).resources).toEqual(['customers']);
    expect(() => parseConfig({ resources: 'customers,invoices' })).toThrow(/Invalid context "resources.1"/);
    expect(() => parseConfig({ resources: [] })).toThrow(/Invalid context "resources"/);
    expect(() => parseConfig({ resources: 'customers,customers' })).toThrow(/each resource once/);
  });

  it('accepts the strings that `cdk -c key=value` passes for numbers and booleans', () => {
    const config = parseConfig({
      minSyncIntervalMinutes: '15',
      workerReservedConcurrency: '20',
      tracing: 'true',
      logRetentionDays: '30',
    });
    expect(config).toMatchObject({
      minSyncIntervalMinutes: 15,
      workerReservedConcurrency: 20,
      tracing: true,
      logRetentionDays: 30,
    });
  });

  it('reads the settings from CDK context', () => {
    const app = new App({
      context: { stage: 'prod', alarmEmail: 'ops@example.com', removalPolicy: 'destroy' },
    });
    expect(configFromContext(app.node)).toMatchObject({
      stage: 'prod',
      alarmEmail: 'ops@example.com',
      removalPolicy: 'destroy',
    });
  });

  it.each([
    [{ minSyncIntervalMinutes: 0 }, 'Invalid context "minSyncIntervalMinutes": expected a positive integer'],
    [
      { minSyncIntervalMinutes: 'often' },
      'Invalid context "minSyncIntervalMinutes": expected a positive integer',
    ],
    [
      { minSyncIntervalMinutes: 2.5 },
      'Invalid context "minSyncIntervalMinutes": expected a positive integer',
    ],
    [{ syncOverlapMinutes: -1 }, 'Invalid context "syncOverlapMinutes": expected a non-negative integer'],
    [{ shopifyApiVersion: '2026-11' }, 'Invalid context "shopifyApiVersion"'],
    [{ shopifyApiVersion: 'latest' }, 'Invalid context "shopifyApiVersion"'],
    [
      { shopifyAdminUrlTemplate: 'https://{shop}/admin/graphql.json' },
      'Invalid context "shopifyAdminUrlTemplate"',
    ],
    [
      { shopifyAdminUrlTemplate: 'http://{shop}/admin/api/{version}/graphql.json' },
      'Invalid context "shopifyAdminUrlTemplate"',
    ],
    [{ syncSchedule: 'hourly' }, 'Invalid context "syncSchedule"'],
    [{ healthCheckSchedule: 'rate(1 days)' }, 'Invalid context "healthCheckSchedule"'],
    [{ alarmEmail: 'ops-at-example.com' }, 'Invalid context "alarmEmail": expected an email address'],
    [{ removalPolicy: 'snapshot' }, 'Invalid context "removalPolicy": expected "retain" or "destroy"'],
    [
      { workerTimeoutSeconds: 901 },
      'Invalid context "workerTimeoutSeconds": expected an integer between 30 and 900',
    ],
    [
      { workerReservedConcurrency: 0 },
      'Invalid context "workerReservedConcurrency": expected a positive integer',
    ],
    [
      { workerReservedConcurrency: 9 },
      'Invalid context "workerReservedConcurrency": expected at least workerMaxConcurrency + incrementalWorkerMaxConcurrency (10)',
    ],
    [
      { incrementalWorkerMaxConcurrency: 1 },
      'Invalid context "incrementalWorkerMaxConcurrency": expected an integer between 2 and 1000',
    ],
    [
      { workerMaxConcurrency: 1 },
      'Invalid context "workerMaxConcurrency": expected an integer between 2 and 1000',
    ],
    [
      { logRetentionDays: 10 },
      'Invalid context "logRetentionDays": expected one of CloudWatch\'s retention periods',
    ],
    [{ logLevel: 'TRACE' }, 'Invalid context "logLevel"'],
    [{ tracing: 'yes' }, 'Invalid context "tracing": expected true or false'],
    [{ stage: 'Prod' }, 'Invalid context "stage"'],
  ])('rejects %j with a message naming the key', (raw, expected) => {
    expect(errorOf(raw)).toContain(expected);
  });

  it('rejects an overlap as long as the sync interval, which would re-read everything every time', () => {
    expect(errorOf({ minSyncIntervalMinutes: 10, syncOverlapMinutes: 10 })).toBe(
      'Invalid context "syncOverlapMinutes": expected less than minSyncIntervalMinutes (10)',
    );
  });

  it('lists every invalid key, one per line, and nothing about the valid ones', () => {
    const lines = errorOf({ minSyncIntervalMinutes: 0, alarmEmail: 'nope', stage: 'ok' }).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Invalid context "minSyncIntervalMinutes"/);
    expect(lines[1]).toMatch(/^Invalid context "alarmEmail"/);
  });
});

describe('schedule expressions', () => {
  it.each([
    'rate(1 hour)',
    'rate(30 minutes)',
    'rate(1 day)',
    'rate(2 days)',
    'cron(0 * * * ? *)',
    'cron(15 3 ? * MON-FRI *)',
  ])('accepts %s', (expression) => expect(isScheduleExpression(expression)).toBe(true));

  it.each([
    'rate(1 hours)', // EventBridge wants the singular for 1
    'rate(2 hour)',
    'rate(0 minutes)',
    'rate(1 week)',
    'cron(0 * * * *)', // five fields: Unix cron, not EventBridge
    'cron(0 * * * * *)', // neither day field is `?`
    'cron(0 * ? * ? *)', // both are
    'every hour',
  ])('rejects %s', (expression) => expect(isScheduleExpression(expression)).toBe(false));
});

describe('unknown context keys', () => {
  const appWith = (context: Record<string, unknown>) => new App({ context });

  it('fail the synth naming the key and the setting it probably meant', () => {
    expect(() => configFromContext(appWith({ alarmEmial: 'ops@example.com' }).node)).toThrow(
      new InvalidConfigError(
        'Unknown context "alarmEmial": not a setting of this stack (did you mean "alarmEmail"?)',
      ),
    );
  });

  it('are reported together with invalid values, one per line', () => {
    expect(() => configFromContext(appWith({ stagee: 'prod', logLevel: 'LOUD' }).node)).toThrow(
      new InvalidConfigError(
        [
          'Unknown context "stagee": not a setting of this stack (did you mean "stage"?)',
          'Invalid context "logLevel": expected DEBUG, INFO, WARN or ERROR',
        ].join('\n'),
      ),
    );
  });

  it("leave CDK's own keys alone: feature flags, lookups and CLI settings", () => {
    const config = configFromContext(
      appWith({
        '@aws-cdk/core:enablePartitionLiterals': true,
        'aws:cdk:enable-path-metadata': true,
        'acknowledged-issue-numbers': [1],
        'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
        alarmEmail: 'ops@example.com',
      }).node,
    );
    expect(config.alarmEmail).toBe('ops@example.com');
  });
});
