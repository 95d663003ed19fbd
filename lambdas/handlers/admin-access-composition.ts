/**
 * How a Lambda reaches a store's Admin API: the app's client secret (Secrets Manager, cached),
 * the token endpoint it authenticates, the token provider that renews, migrates and records
 * attention, and the traced Admin GraphQL client. The sync worker, the API, the health check
 * (composition-root.ts) and the EventBridge ingest (webhook-events-composition.ts) share it; the
 * HTTPS webhook's composition does not import it, so its cold start never carries the Admin client.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCredentialStore } from '../adapters/dynamodb/credential-store.js';
import { createSyncStateStore } from '../adapters/dynamodb/sync-state-store.js';
import { createEventBridgeEvents } from '../adapters/events/eventbridge-events.js';
import { logger, traced, tracedGraphql } from '../adapters/observability.js';
import type { TokenCipher } from '../adapters/secrets/token-cipher.js';
import { createWebhookSecrets } from '../adapters/secrets/webhook-secrets.js';
import { ShopifyAdminClient } from '../adapters/shopify/admin-client.js';
import { createOAuthClient } from '../adapters/shopify/oauth-client.js';
import { GrantRefusedError, type ShopifyTokenEndpoint } from '../core/credentials/credentials.js';
import { createTokenProvider } from '../core/credentials/token-provider.js';
import type { ShopifyConnector } from '../core/integrations/ports.js';
import type { LambdaSettings } from './environment.js';

/** The token endpoint of a deployment without a client id: every grant is refused, plainly. */
const missingClientId: ShopifyTokenEndpoint = {
  grant: async () => {
    throw new GrantRefusedError(400, 'no_client_id_configured');
  },
};

export const adminAccessOf = (settings: LambdaSettings, doc: DynamoDBDocumentClient, cipher: TokenCipher) => {
  const { tables } = settings;
  const appSecrets = createWebhookSecrets({ appSecretArn: settings.APP_SECRET_ARN, cipher });
  const tokenEndpoint = settings.SHOPIFY_APP_CLIENT_ID
    ? createOAuthClient({
        clientId: settings.SHOPIFY_APP_CLIENT_ID,
        clientSecret: async () => (await appSecrets.appSecrets())[0]!,
        shopUrlTemplate: settings.SHOPIFY_SHOP_URL_TEMPLATE,
      })
    : undefined;
  const events = createEventBridgeEvents({
    client: traced(new EventBridgeClient({})),
    eventBusName: settings.EVENT_BUS_NAME,
  });
  const tokens = createTokenProvider({
    store: createCredentialStore(doc, tables.Integrations),
    cipher,
    // Without a client id only static tokens work; a renewal answers that plainly.
    endpoint: tokenEndpoint ?? missingClientId,
    attention: createSyncStateStore(doc, tables.Integrations),
    events,
    logger,
    distribution: tokenEndpoint ? settings.SHOPIFY_APP_DISTRIBUTION : 'custom',
  });
  const shopify: ShopifyConnector = (shopDomain, accessToken) =>
    tracedGraphql(
      new ShopifyAdminClient({
        shopDomain,
        accessToken,
        apiVersion: settings.SHOPIFY_API_VERSION,
        urlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
      }),
      'Admin GraphQL',
    );
  return { appSecrets, tokenEndpoint, events, tokens, shopify };
};
