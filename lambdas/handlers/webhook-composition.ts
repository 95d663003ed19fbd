/**
 * The webhook Lambda's adapters. Unlike the other handlers it does not take the full composition
 * (composition-root.ts): Shopify waits 5 s for an answer, and a cold start that evaluated the SQS
 * and EventBridge clients, the Shopify Admin client and the sync engine would spend part of that
 * on modules no delivery uses. Only what deliveries need is imported here.
 *
 * The uninstall and privacy topics are imported statically, not with a dynamic import(): esbuild
 * bundles a dynamically imported module inline all the same (no splitting), and it cannot
 * tree-shake modules reached that way, so the bundle grew by ~45 KiB of DynamoDB schemas and the
 * cold start got slower, not faster (measured; docs/benchmarks-history.md, "Webhook cold start").
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { createBackPressure } from '../adapters/dynamodb/back-pressure.js';
import { createIntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createSyncLeaseReader } from '../adapters/dynamodb/sync-state-store.js';
import { createSyncRunStore } from '../adapters/dynamodb/sync-run-store.js';
import { createProcessedDeliveries } from '../adapters/dynamodb/processed-deliveries.js';
import { createWebhookActivityStore } from '../adapters/dynamodb/webhook-activity-store.js';
import { createWebhookDeliveryCounts } from '../adapters/dynamodb/webhook-delivery-counts.js';
import { createWebhookIntegrationLookup } from '../adapters/dynamodb/webhook-integration-lookup.js';
import { logger, traced } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../adapters/secrets/webhook-secrets.js';
import { createSqsSyncQueue } from '../adapters/sqs/sync-queue.js';
import { configuredResources } from '../resources/registry.js';
import { bulkOperationTopics } from '../core/webhooks/bulk-operation-topics.js';
import { resourceTopics } from '../core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../core/webhooks/topic-registry.js';
import { complianceTopicsOf } from './compliance-composition.js';
import { type LambdaSettings, parseLambdaEnvironment, queueUrlsOf } from './environment.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordFetcher } from '../core/webhooks/oversized-payload.js';
import { receiptsOf, recordStoreOf } from './mirror-stores.js';

/**
 * What both transports share: the integrations, the one topic registry, the replay guard, the
 * delivery-health record and the per-store delivery counts. `fetchRecord` (EventBridge only)
 * reads bodies too large to carry.
 */
export const webhookIngestDeps = (
  settings: LambdaSettings,
  doc: DynamoDBDocumentClient,
  fetchRecord?: RecordFetcher,
) => {
  const { tables } = settings;
  const integrations = createIntegrationStore(doc, tables.Integrations);
  const mirrored = configuredResources(settings.METAFIELD_NAMESPACES).filter((definition) =>
    settings.SYNCED_RESOURCES.includes(definition.name),
  );
  // A throttled write waits and goes again for up to 2 s (plus the SDK's own retries of the last
  // attempt), inside Shopify's 5 s; after that the delivery fails with a 500 and Shopify retries.
  const webhookWritePressure = createBackPressure({ maxConcurrency: 4, budgetMs: 2_000 });
  return {
    integrations: createWebhookIntegrationLookup(doc, tables.Integrations, integrations),
    topics: createTopicRegistry(
      ...mirrored.map((definition) =>
        resourceTopics(definition, recordStoreOf(doc, tables, definition, webhookWritePressure), fetchRecord),
      ),
      complianceTopicsOf({ doc, settings, integrations, logger }),
      // Wakes a bulk sync waiting for its operation; the SQS client is only used by this topic.
      bulkOperationTopics({
        leases: createSyncLeaseReader(doc, tables.Integrations),
        runs: createSyncRunStore(doc, tables.SyncRuns),
        queue: createSqsSyncQueue({ client: traced(new SQSClient({})), ...queueUrlsOf(settings) }),
      }),
    ),
    processed: createProcessedDeliveries(doc, receiptsOf(tables)),
    activity: createWebhookActivityStore(doc, tables.Integrations),
    deliveries: createWebhookDeliveryCounts(doc, tables.SyncRuns),
  };
};

export const webhookDeps = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const doc = createDocumentClient(traced(createDynamoDbClient()));
  return {
    ...webhookIngestDeps(settings, doc),
    // KMS only decrypts the webhook secret of a store that has one of its own.
    secrets: createWebhookSecrets({
      appSecretArn: settings.APP_SECRET_ARN,
      cipher: createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: traced(new KMSClient({})) }),
    }),
  };
};
