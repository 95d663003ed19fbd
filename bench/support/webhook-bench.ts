/**
 * What the webhook figures (P4, LevelBurst) share: a store's integration and the webhook handler
 * with the deployed ingest dependencies on DynamoDB Local, a signed delivery, latency statistics.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createProcessedDeliveries } from '../../lambdas/adapters/dynamodb/processed-deliveries.js';
import { createWebhookActivityStore } from '../../lambdas/adapters/dynamodb/webhook-activity-store.js';
import { createWebhookDeliveryCounts } from '../../lambdas/adapters/dynamodb/webhook-delivery-counts.js';
import { createWebhookIntegrationLookup } from '../../lambdas/adapters/dynamodb/webhook-integration-lookup.js';
import { createTopicRegistry } from '../../lambdas/core/webhooks/topic-registry.js';
import type { TopicDefinitions } from '../../lambdas/core/webhooks/topic-registry.js';
import { createWebhookHandler } from '../../lambdas/handlers/webhook.js';
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { type BenchTables, percentile } from './environment.js';

export interface LatencyStats {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly count: number;
}

export const latencyStats = (samples: readonly number[]): LatencyStats => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    count: sorted.length,
  };
};

export interface BenchStore {
  readonly shop: string;
  readonly organizationId: string;
  readonly appSecret: string;
}

/**
 * An ACTIVE integration of `shop.organizationId`, and the ingest dependencies as deployed: the
 * per-shop cache in front of the Integrations table, dedupe receipts, `lastWebhookAt` notes and
 * the hourly delivery counters.
 */
export async function benchIngest(tables: BenchTables, store: BenchStore, topics: TopicDefinitions) {
  const integrations = createIntegrationStore(tables.doc, tables.names.Integrations);
  const now = new Date().toISOString();
  await integrations.put({
    integrationId: `int-${store.organizationId}`,
    organizationId: store.organizationId,
    shopDomain: store.shop,
    status: 'ACTIVE',
    encryptedAccessToken: 'unused',
    createdAt: now,
    updatedAt: now,
  });
  const ingestDeps = {
    integrations: createWebhookIntegrationLookup(tables.doc, tables.names.Integrations, integrations),
    topics: createTopicRegistry(topics),
    processed: createProcessedDeliveries(tables.doc, { tableName: tables.names.Idempotency }),
    activity: createWebhookActivityStore(tables.doc, tables.names.Integrations),
    deliveries: createWebhookDeliveryCounts(tables.doc, tables.names.SyncRuns),
  };
  const webhook = createWebhookHandler({
    ...ingestDeps,
    secrets: { appSecrets: async () => [store.appSecret], integrationSecret: async () => undefined },
  });
  return { ingestDeps, webhook };
}

/** A delivery as API Gateway hands it over, signed with the app's secret. */
export const signedDelivery = (
  store: BenchStore,
  topic: string,
  body: string,
  webhookId: string = randomUUID(),
): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /webhooks/shopify',
  rawPath: '/webhooks/shopify',
  rawQueryString: '',
  headers: {
    'content-type': 'application/json',
    'x-shopify-hmac-sha256': createHmac('sha256', store.appSecret).update(body).digest('base64'),
    'x-shopify-shop-domain': store.shop,
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': webhookId,
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-api-version': SHOPIFY_API_VERSION,
  },
  requestContext: {} as APIGatewayProxyEventV2['requestContext'],
  body,
  isBase64Encoded: false,
});
