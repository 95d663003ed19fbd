/**
 * The EventBridge ingest's adapters: the webhook path's own (webhook-composition.ts), plus what
 * reads a body too large for EventBridge from the store's Admin API (through the token provider,
 * as every other Admin API caller: openShop renews an expiring or client-credentials token and
 * migrates a static one, and the Admin client). Apart from the HTTPS handler's composition so that its bundle and
 * cold start never carry the Admin client.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { createCredentialStore } from '../adapters/dynamodb/credential-store.js';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { createSyncStateStore } from '../adapters/dynamodb/sync-state-store.js';
import { createEventBridgeEvents } from '../adapters/events/eventbridge-events.js';
import { logger, traced, tracedGraphql } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../adapters/secrets/webhook-secrets.js';
import { ShopifyAdminClient } from '../adapters/shopify/admin-client.js';
import { createOAuthClient } from '../adapters/shopify/oauth-client.js';
import { createTokenProvider } from '../core/credentials/token-provider.js';
import { GrantRefusedError, type ShopifyTokenEndpoint } from '../core/credentials/credentials.js';
import { createRecordFetcher } from '../core/webhooks/oversized-payload.js';
import { parseLambdaEnvironment } from './environment.js';
import { webhookIngestDeps } from './webhook-composition.js';

/** The token endpoint of a deployment without a client id: every grant is refused, plainly. */
const missingClientId: ShopifyTokenEndpoint = {
  grant: async () => {
    throw new GrantRefusedError(400, 'no_client_id_configured');
  },
};

/** `…::event-source/aws.partner/shopify.com/1/name` → `aws.partner/shopify.com/1/name`. */
const sourceNameOf = (arn: string): string | undefined => arn.split('::event-source/')[1];

export const webhookEventsDeps = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const doc = createDocumentClient(traced(createDynamoDbClient()));
  const { tables } = settings;
  const cipher = createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: traced(new KMSClient({})) });
  // The same token provider as composition-root.ts: the app's client secret authenticates grants.
  const appSecrets = createWebhookSecrets({ appSecretArn: settings.APP_SECRET_ARN, cipher });
  const tokenEndpoint = settings.SHOPIFY_APP_CLIENT_ID
    ? createOAuthClient({
        clientId: settings.SHOPIFY_APP_CLIENT_ID,
        clientSecret: async () => (await appSecrets.appSecrets())[0]!,
        shopUrlTemplate: settings.SHOPIFY_SHOP_URL_TEMPLATE,
      })
    : undefined;
  const tokens = createTokenProvider({
    store: createCredentialStore(doc, tables.Integrations),
    cipher,
    endpoint: tokenEndpoint ?? missingClientId,
    attention: createSyncStateStore(doc, tables.Integrations),
    events: createEventBridgeEvents({
      client: traced(new EventBridgeClient({})),
      eventBusName: settings.EVENT_BUS_NAME,
    }),
    logger,
    distribution: tokenEndpoint ? settings.SHOPIFY_APP_DISTRIBUTION : 'custom',
  });
  const fetchRecord = createRecordFetcher({
    cipher,
    tokens,
    shopify: (shopDomain, accessToken) =>
      tracedGraphql(
        new ShopifyAdminClient({
          shopDomain,
          accessToken,
          apiVersion: settings.SHOPIFY_API_VERSION,
          urlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
        }),
        'Admin GraphQL',
      ),
  });
  const eventSource = sourceNameOf(settings.SHOPIFY_EVENT_SOURCE_ARN);
  return {
    ...webhookIngestDeps(settings, doc, fetchRecord),
    ...(eventSource !== undefined && { eventSource }),
  };
};
