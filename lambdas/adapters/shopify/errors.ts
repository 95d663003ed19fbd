import { IntegrationAttentionError, ResourceAccessDeniedError } from '../../core/sync/errors.js';

/** The token is invalid or refused as a whole (HTTP 401/403): permanent until reconnected. */
export class ShopifyAuthError extends IntegrationAttentionError {
  override readonly name = 'ShopifyAuthError';
  readonly reason: string;
  constructor(readonly status: number) {
    super(`Shopify refused the access token (HTTP ${status})`);
    this.reason = status === 403 ? 'SHOPIFY_ACCESS_DENIED' : 'SHOPIFY_UNAUTHORIZED';
  }
}

/** GraphQL `ACCESS_DENIED`: the token works but lacks the scope of what was asked for. */
export class ShopifyAccessDeniedError extends ResourceAccessDeniedError {
  override readonly name = 'ShopifyAccessDeniedError';
  readonly reason = 'ACCESS_DENIED';
  constructor(messages: readonly string[]) {
    super(`Shopify denied access: ${messages.join('; ').slice(0, 300)}`);
  }
}

/** The shop itself is unavailable: 402 frozen (unpaid), 404 not found / closed, 423 locked. */
export class ShopifyShopUnavailableError extends IntegrationAttentionError {
  override readonly name = 'ShopifyShopUnavailableError';
  readonly reason: string;
  constructor(readonly status: number) {
    super(`Shopify reports the shop unavailable (HTTP ${status})`);
    this.reason = `SHOPIFY_SHOP_UNAVAILABLE_${status}`;
  }
}

/** GraphQL `errors` other than THROTTLED: a query or contract problem, not worth retrying blindly. */
export class ShopifyGraphqlError extends Error {
  override readonly name = 'ShopifyGraphqlError';
  constructor(
    readonly codes: readonly string[],
    messages: readonly string[],
  ) {
    super(`Shopify GraphQL errors: ${messages.join('; ').slice(0, 500)}`);
  }
}

/** The response body does not have the shape the query asked for. */
export class ShopifyResponseError extends Error {
  override readonly name = 'ShopifyResponseError';
}

/** Transient failures (5xx, 429, timeouts, resets, truncated bodies) persisted past the retry budget. */
export class ShopifyUnavailableError extends Error {
  override readonly name = 'ShopifyUnavailableError';
}

/** Any other non-2xx status. */
export class ShopifyHttpError extends Error {
  override readonly name = 'ShopifyHttpError';
  constructor(readonly status: number) {
    super(`Shopify answered HTTP ${status}`);
  }
}
