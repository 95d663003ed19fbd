/**
 * The kinds of Admin API credential a store can be connected with, and what Shopify's token
 * endpoint answers. Core types only: no AWS, no HTTP (adapters/shopify/oauth-client.ts speaks to
 * the endpoint, adapters/dynamodb/credential-store.ts keeps the ciphertexts).
 *
 * - `static`: a non-expiring offline token (`shpat_…`), as given to connect. Public apps lose
 *   them on 2027-01-01; custom and merchant-created apps keep them.
 * - `expiring`: an offline token that lives an hour with a refresh token that rotates on every
 *   refresh (the install flow's, or a static token migrated by token exchange).
 * - `client-credentials`: a Dev Dashboard app of the SaaS's own organization: 24-hour tokens
 *   asked for with the app's client id and secret, no refresh token (ask again).
 */
import { IntegrationAttentionError } from '../sync/errors.js';

export type CredentialKind = 'expiring' | 'static' | 'client-credentials';

export const credentialKinds: readonly CredentialKind[] = ['expiring', 'static', 'client-credentials'];

/** What the token endpoint answered to a grant (never logged: every field but the times is secret). */
export interface TokenGrant {
  readonly accessToken: string;
  /** Seconds; absent for a non-expiring token. */
  readonly expiresIn?: number;
  readonly refreshToken?: string;
  readonly refreshTokenExpiresIn?: number;
  /** The scopes Shopify granted, comma-separated, as it spells them. */
  readonly scope?: string;
}

export type GrantRequest =
  | { readonly grant: 'authorization_code'; readonly code: string }
  | { readonly grant: 'refresh_token'; readonly refreshToken: string }
  /** A non-expiring token traded for an expiring pair; Shopify answers a retry within 7 days alike. */
  | { readonly grant: 'token_exchange'; readonly subjectToken: string }
  | { readonly grant: 'client_credentials'; readonly clientId: string; readonly clientSecret: string };

/** Shopify's token endpoint (`{shop}/admin/oauth/access_token`), with the app's client id and secret. */
export interface ShopifyTokenEndpoint {
  grant(shopDomain: string, request: GrantRequest): Promise<TokenGrant>;
}

/**
 * The token endpoint refused the grant for good (4xx: `invalid_grant`, an expired or retired
 * refresh token, a revoked client): asking again with the same input cannot succeed.
 */
export class GrantRefusedError extends Error {
  override readonly name = 'GrantRefusedError';
  constructor(
    readonly status: number,
    /** Shopify's `error` code (e.g. `invalid_grant`), never a token. */
    readonly code: string,
  ) {
    super(`Shopify's token endpoint refused the grant (HTTP ${status}${code ? `, ${code}` : ''})`);
  }
}

/** The token endpoint did not answer usably (network, 5xx, 429, a body that does not parse). */
export class GrantUnavailableError extends Error {
  override readonly name = 'GrantUnavailableError';
}

/**
 * The store's refresh token is dead (expired, refused, or the migration's window passed): only
 * the merchant can restore access, by installing again (`POST …/installations`). Flags the
 * integration NEEDS_ATTENTION with reason REAUTHORIZE wherever it surfaces.
 */
export class ReauthorizeRequiredError extends IntegrationAttentionError {
  override readonly name = 'ReauthorizeRequiredError';
  readonly reason = 'REAUTHORIZE';
  constructor(why: string) {
    super(`The store must be re-authorized (install the app again): ${why}`);
  }
}

/** The Dev Dashboard app's client credentials were refused: the app's install or secret changed. */
export class ClientCredentialsRefusedError extends IntegrationAttentionError {
  override readonly name = 'ClientCredentialsRefusedError';
  readonly reason = 'CLIENT_CREDENTIALS_REFUSED';
  constructor(status: number) {
    super(`Shopify refused the app's client credentials (HTTP ${status})`);
  }
}

/**
 * A token a call can use, and a way to get another when Shopify answers 401 to it. The Admin
 * client holds one per store; the plaintext lives only inside it.
 */
export interface AccessTokenSource {
  /** A token valid for a while yet (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /**
   * Shopify answered 401 to `rejected`: a token that differs from it (someone else refreshed, or
   * this refreshes now), or undefined when the credential cannot be renewed (a static token).
   */
  renew(rejected: string): Promise<string | undefined>;
}

/** A fixed token: a static credential, or a caller that verifies a token before storing it. */
export const fixedToken = (accessToken: string): AccessTokenSource => ({
  token: async () => accessToken,
  renew: async () => undefined,
});

/** The credential fields of a stored integration (ciphertexts and times; the version guards writes). */
export interface StoredCredential {
  readonly kind: CredentialKind;
  readonly encryptedAccessToken?: string;
  /** ISO time the access token expires; absent for a static token. */
  readonly accessTokenExpiresAt?: string;
  /** When it was issued: how early to replace it depends on its lifetime. */
  readonly accessTokenIssuedAt?: string;
  readonly encryptedRefreshToken?: string;
  readonly refreshTokenExpiresAt?: string;
  readonly clientId?: string;
  readonly encryptedClientSecret?: string;
  /** When the first token exchange of this static token was attempted (Shopify's 7-day window). */
  readonly tokenExchangeStartedAt?: string;
  /** Bumped by every change of the credential: a refresh writes only over the version it read. */
  readonly version: number;
  /** A refresh in flight: who holds it and until when (epoch ms). */
  readonly lease?: { readonly holder: string; readonly until: number };
}

/** The new credential fields a refresh (or migration) writes. */
export type CredentialUpdate = Omit<StoredCredential, 'version' | 'lease'>;
