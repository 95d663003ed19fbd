import type { TokenProvider } from '../credentials/token-provider.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import { IntegrationNotActiveError } from '../sync/errors.js';
import type { Integration } from './integration.js';
import type { ShopifyConnector, TokenCipher } from './ports.js';

export interface OpenShopDeps {
  readonly cipher: TokenCipher;
  readonly shopify: ShopifyConnector;
  /**
   * Renews expiring and client-credentials tokens (and migrates static ones in a public
   * deployment). Without it the stored token is used as it is (tests of static stores).
   */
  readonly tokens?: TokenProvider;
}

/** The Admin API of a stored integration; the plaintext token lives only inside the client. */
export const openShop = async (
  integration: Integration,
  { cipher, shopify, tokens }: OpenShopDeps,
): Promise<ShopifyGraphql> => {
  // Redacted integrations keep their item as a record but no longer have credentials.
  if (!integration.encryptedAccessToken)
    throw new IntegrationNotActiveError(integration.status, 'credentials erased');
  if (tokens) return shopify(integration.shopDomain, tokens.source(integration));
  const token = await cipher.decrypt(integration.encryptedAccessToken, {
    integrationId: integration.integrationId,
  });
  return shopify(integration.shopDomain, token);
};
