/**
 * Binding a signed body to one shop. Every shop of the app signs with the same secret, so a
 * valid signature says "Shopify sent this to us", not "for this shop": only the body's own
 * shop fields do, and they must agree with the integration the unsigned header picked.
 */
import { ShopMismatchError } from '../errors.js';
import type { Integration } from '../integrations/integration.js';

export interface SignedShop {
  /** `name.myshopify.com` as the body states it. */
  readonly domain: string;
  /** Shopify's numeric shop id as the body states it. */
  readonly id: string;
}

/** `gid://shopify/Shop/123` (stored at connect) or a bare `123` → `123`. */
const numericShopId = (id: string): string => /(\d+)$/.exec(id)?.[1] ?? id;

/**
 * Throws ShopMismatchError unless the body's shop is the integration's: same domain and, when
 * the integration recorded its shop id at connect, the same id (a domain alone could be reused
 * by a later shop; an id never is).
 */
export const requireSignedShop = (signed: SignedShop, integration: Integration): void => {
  const sameDomain = signed.domain.trim().toLowerCase() === integration.shopDomain.toLowerCase();
  const sameId =
    integration.shopifyShopId === undefined ||
    numericShopId(integration.shopifyShopId) === numericShopId(signed.id);
  if (!sameDomain || !sameId) throw new ShopMismatchError();
};
