/**
 * One local runtime per process: the handlers build their AWS clients from the environment once
 * per "cold start" (module scope), so a second runtime in the same process would reach the first
 * one's tables. Load, fuzz and chaos share this one.
 */
import { randomUUID } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createKmsTokenCipher } from '../../lambdas/adapters/secrets/token-cipher.js';
import type { Integration } from '../../lambdas/core/integrations/integration.js';
import type { LambdaId } from '../../lambdas/handlers/catalog.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.js';
import type { ShopifySimulator } from '../../local/shopify-simulator/index.js';
import { localDynamoClient } from './environment.js';

export interface BenchRuntime {
  readonly runtime: LocalRuntime;
  readonly simulator: ShopifySimulator;
  readonly doc: DynamoDBDocumentClient;
  /** POST /webhooks/shopify: the HTTPS transport (load, fuzz). */
  readonly webhookUrl: string;
  /**
   * Where store subscriptions point in this runtime's delivery mode: the callback URL, or the
   * partner event source ARN (`webhookDelivery: 'eventbridge'`).
   */
  readonly subscriptionUri: string;
  /** Stores an ACTIVE integration whose access token is encrypted with the runtime's KMS key. */
  connect(shopDomain: string, accessToken: string, organizationId?: string): Promise<Integration>;
  stop(): Promise<void>;
}

let current: Promise<BenchRuntime> | undefined;

export function benchRuntime(
  dynamoEndpoint: string,
  handlers?: Partial<Record<LambdaId, NonNullable<LocalRuntimeOptions['handlers']>[LambdaId]>>,
  syncQueue?: LocalRuntimeOptions['syncQueue'],
  lambdaEnv?: LocalRuntimeOptions['lambdaEnv'],
  webhookDelivery: 'https' | 'eventbridge' = 'https',
): Promise<BenchRuntime> {
  current ??= start(dynamoEndpoint, handlers, syncQueue, lambdaEnv, webhookDelivery);
  return current;
}

async function start(
  dynamoEndpoint: string,
  handlers: LocalRuntimeOptions['handlers'],
  syncQueue: LocalRuntimeOptions['syncQueue'],
  lambdaEnv: LocalRuntimeOptions['lambdaEnv'],
  webhookDelivery: 'https' | 'eventbridge',
): Promise<BenchRuntime> {
  const runtime = await startLocalRuntime({
    dynamoEndpoint,
    apiPort: 0,
    tablePrefix: `rt${randomUUID().slice(0, 8)}-`,
    // An empty demo shop rather than none: with none, the runtime's app-secret secret and the
    // simulator's signing secret differ (reported), and every delivery would fail its HMAC.
    demoShop: { customers: 0, orders: 0, products: 0, shopDomain: 'bench-demo.myshopify.com' },
    // Nothing runs on its own: the benchmarks and the chaos run trigger each piece themselves.
    syncEverySeconds: 1_000_000,
    healthCheckEverySeconds: 1_000_000,
    startWorker: false,
    webhookDelivery,
    ...(handlers && { handlers }),
    ...(syncQueue && { syncQueue }),
    // Static tokens stay static (a custom app) unless a caller asks otherwise: the figures measure
    // syncs, not token renewals; the chaos run asks for `public` and short-lived tokens.
    lambdaEnv: { SHOPIFY_APP_DISTRIBUTION: 'custom', ...lambdaEnv },
    log: () => {},
  });
  const simulator = runtime.shopify.simulator;
  if (!simulator) throw new Error('the local runtime did not start the Shopify simulator');
  const client = localDynamoClient(dynamoEndpoint);
  const doc = createDocumentClient(client);
  const integrations = createIntegrationStore(doc, runtime.tableNames.Integrations);
  // The runtime put the local KMS endpoint into the environment (AWS_ENDPOINT_URL_KMS).
  const kms = new KMSClient({});
  const cipher = createKmsTokenCipher({ keyId: runtime.lambdaEnv['TOKEN_KEY_ID']!, client: kms });
  return {
    runtime,
    simulator,
    doc,
    webhookUrl: `${runtime.apiUrl}/webhooks/shopify`,
    subscriptionUri:
      webhookDelivery === 'eventbridge'
        ? runtime.lambdaEnv['SHOPIFY_EVENT_SOURCE_ARN']!
        : `${runtime.apiUrl}/webhooks/shopify`,
    async connect(shopDomain, accessToken, organizationId = `org-${randomUUID()}`) {
      const integrationId = `int-${randomUUID()}`;
      const now = new Date().toISOString();
      const integration: Integration = {
        integrationId,
        organizationId,
        shopDomain,
        status: 'ACTIVE',
        encryptedAccessToken: await cipher.encrypt(accessToken, { integrationId }),
        createdAt: now,
        updatedAt: now,
      };
      await integrations.put(integration);
      return integration;
    },
    async stop() {
      kms.destroy();
      client.destroy();
      await runtime.stop();
      current = undefined;
    },
  };
}
