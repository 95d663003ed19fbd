/**
 * The webhook Lambda's adapters. Unlike the other handlers it does not take the full composition
 * (composition-root.ts): Shopify waits 5 s for an answer, and a cold start that evaluated the SQS
 * and EventBridge clients, the Shopify Admin client and the sync engine would spend part of that
 * on modules no delivery uses. Only what deliveries need is imported here.
 *
 * The uninstall and privacy topics are imported statically, not with a dynamic import(): esbuild
 * bundles a dynamically imported module inline all the same (no splitting), and it cannot
 * tree-shake modules reached that way, so the bundle grew by ~45 KiB of DynamoDB schemas and the
 * cold start got slower, not faster (measured; docs/benchmarks.md, "Webhook cold start").
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { createIntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createProcessedDeliveries } from '../adapters/dynamodb/processed-deliveries.js';
import { createWebhookActivityStore } from '../adapters/dynamodb/webhook-activity-store.js';
import { createWebhookIntegrationLookup } from '../adapters/dynamodb/webhook-integration-lookup.js';
import { logger, traced } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../adapters/secrets/webhook-secrets.js';
import { registeredResources } from '../core/resources/registry.js';
import { resourceTopics } from '../core/webhooks/resource-topics.js';
import { createTopicRegistry } from '../core/webhooks/topic-registry.js';
import { complianceTopicsOf } from './compliance-composition.js';
import { type LambdaSettings, parseLambdaEnvironment } from './environment.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordFetcher } from '../core/webhooks/oversized-payload.js';
import { receiptsOf, recordStoreOf } from './mirror-stores.js';

/**
 * What both transports share: the integrations, the one topic registry, the replay guard and the
 * delivery-health record. `fetchRecord` (EventBridge only) reads bodies too large to carry.
 */
export const webhookIngestDeps = (
  settings: LambdaSettings,
  doc: DynamoDBDocumentClient,
  fetchRecord?: RecordFetcher,
) => {
  const { tables } = settings;
  const integrations = createIntegrationStore(doc, tables.Integrations);
  const mirrored = registeredResources.filter((definition) =>
    settings.SYNCED_RESOURCES.includes(definition.name),
  );
  return {
    integrations: createWebhookIntegrationLookup(doc, tables.Integrations, integrations),
    topics: createTopicRegistry(
      ...mirrored.map((definition) =>
        resourceTopics(definition, recordStoreOf(doc, tables, definition), fetchRecord),
      ),
      complianceTopicsOf({ doc, settings, integrations, logger }),
    ),
    processed: createProcessedDeliveries(doc, receiptsOf(tables)),
    activity: createWebhookActivityStore(doc, tables.Integrations),
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
