import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { describe, expect, it } from 'vitest';
import { tableNamesWithPrefix } from '../../lambdas/adapters/dynamodb/table-definitions.js';
import {
  InvalidEnvironmentError,
  type LambdaEnvironment,
  parseLambdaEnvironment,
  tableEnvironment,
} from '../../lambdas/handlers/environment.js';
import { syncConfigOf } from '../../lambdas/handlers/composition-root.js';

const complete: LambdaEnvironment = {
  ...tableEnvironment(tableNamesWithPrefix('test-')),
  SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync',
  INCREMENTAL_SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/incremental-sync',
  WEBHOOK_CALLBACK_URL: 'https://api.example.com/webhooks/shopify',
  APP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app',
  TOKEN_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/1',
  SHOPIFY_API_VERSION,
  SHOPIFY_ADMIN_URL_TEMPLATE: 'https://{shop}/admin/api/{version}/graphql.json',
  SHOPIFY_SHOP_URL_TEMPLATE: 'https://{shop}',
  SHOPIFY_APP_CLIENT_ID: 'client-id',
  SHOPIFY_APP_DISTRIBUTION: 'public',
  READ_ALL_ORDERS: 'false',
  UPDATED_SINCE_INDEX: 'sharded',
  OAUTH_CALLBACK_URL: 'https://api.example.com/oauth/callback',
  INSTALL_RETURN_URLS: 'https://app.example.com/',
  SYNCED_RESOURCES: 'customers',
  METAFIELD_NAMESPACES: '{}',
  MIN_SYNC_INTERVAL_MINUTES: '15',
  SYNC_OVERLAP_MINUTES: '5',
  SYNC_LEASE_TTL_SECONDS: '300',
  SYNC_MAX_RECEIVES: '5',
  SYNC_RUN_RETENTION_DAYS: '90',
  SYNC_WRITE_CONCURRENCY: '16',
  DATA_EXPORT_RETENTION_DAYS: '30',
  BULK_SYNC_THRESHOLD: '10000',
  SHOPIFY_LISTING_LIMIT: '25000',
  SYNC_RETRY_BASE_SECONDS: '30',
  SYNC_RETRY_MAX_SECONDS: '1800',
  POWERTOOLS_SERVICE_NAME: 'shopify-sync',
  POWERTOOLS_METRICS_NAMESPACE: 'ShopifySync',
  EVENT_BUS_NAME: 'default',
  STALE_AFTER_MINUTES: '180',
  WEBHOOKS_SILENT_AFTER_MINUTES: '360',
  WEBHOOK_DELIVERY: 'https',
  SHOPIFY_EVENT_SOURCE_ARN: '',
};

describe('the Lambda environment', () => {
  it('takes webhooks through EventBridge only with the partner event source ARN, naming the variable', () => {
    const arn = 'arn:aws:events:eu-west-1::event-source/aws.partner/shopify.com/1234567/shopify-sync';
    expect(
      parseLambdaEnvironment({ ...complete, WEBHOOK_DELIVERY: 'eventbridge', SHOPIFY_EVENT_SOURCE_ARN: arn }),
    ).toMatchObject({ WEBHOOK_DELIVERY: 'eventbridge', SHOPIFY_EVENT_SOURCE_ARN: arn });
    expect(() => parseLambdaEnvironment({ ...complete, WEBHOOK_DELIVERY: 'eventbridge' })).toThrow(
      /SHOPIFY_EVENT_SOURCE_ARN: required when WEBHOOK_DELIVERY is eventbridge/,
    );
    expect(() =>
      parseLambdaEnvironment({
        ...complete,
        SHOPIFY_EVENT_SOURCE_ARN: 'arn:aws:events:eu-west-1::event-bus/x',
      }),
    ).toThrow(/SHOPIFY_EVENT_SOURCE_ARN/);
  });

  it('parses what the stack and the local runtime set into table names, resources and sync settings', () => {
    const settings = parseLambdaEnvironment(complete);
    expect(settings.tables.Customers).toBe('test-Customers');
    expect(settings.SYNCED_RESOURCES).toEqual(['customers']);
    expect(syncConfigOf(settings)).toMatchObject({ minSyncIntervalMinutes: 15, leaseTtlMs: 300_000 });
  });

  it('fails the cold start naming every missing or bad variable', () => {
    const { SYNC_QUEUE_URL: _queue, CUSTOMERS_TABLE: _table, ...rest } = complete;
    const attempt = () => parseLambdaEnvironment({ ...rest, SYNCED_RESOURCES: 'customers,invoices' });
    expect(attempt).toThrow(InvalidEnvironmentError);
    expect(attempt).toThrow(/CUSTOMERS_TABLE/);
    expect(attempt).toThrow(/SYNC_QUEUE_URL/);
    expect(attempt).toThrow(/SYNCED_RESOURCES\.1/);
  });
});
