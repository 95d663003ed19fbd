/**
 * Shopify's token endpoint, `{shop url}/admin/oauth/access_token`, for the four grants the stack
 * uses (authorization code, refresh, token exchange, client credentials).
 *
 * Why not @shopify/shopify-api: it implements the same four POSTs, but brings its runtime adapter
 * layer, session model and dependencies (jose, isbot, lossless-json, three API clients) into the
 * api, worker and health-check Lambdas, whose cold start loads whatever they import. Each grant
 * is one form POST with a small answer; this module is that, parsed with zod, and tested against
 * the simulator over HTTP.
 *
 * Nothing secret is logged or put into an error: errors carry the status and Shopify's `error`
 * code only.
 */
import * as z from 'zod';
import {
  GrantRefusedError,
  type GrantRequest,
  GrantUnavailableError,
  type ShopifyTokenEndpoint,
  type TokenGrant,
} from '../../core/credentials/credentials.js';

export const DEFAULT_SHOP_URL_TEMPLATE = 'https://{shop}';

export const OFFLINE_ACCESS_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

const grantAnswer = z.looseObject({
  access_token: z.string().min(1),
  scope: z.string().optional(),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().positive().optional(),
});

const errorAnswer = z.looseObject({ error: z.string().optional() });

export interface OAuthClientOptions {
  readonly clientId: string;
  /** The app's client secret (the same secret signs its webhooks). */
  readonly clientSecret: () => Promise<string>;
  /** `{shop}` is the shop's domain: `https://{shop}` in production. */
  readonly shopUrlTemplate?: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

export const shopUrlOf = (template: string, shopDomain: string) => template.replaceAll('{shop}', shopDomain);

const formOf = async (
  request: GrantRequest,
  options: OAuthClientOptions,
): Promise<Record<string, string>> => {
  if (request.grant === 'client_credentials') {
    // A Dev Dashboard app of the SaaS's own: its own client id and secret, not the deployment's.
    return {
      grant_type: 'client_credentials',
      client_id: request.clientId,
      client_secret: request.clientSecret,
    };
  }
  const app = { client_id: options.clientId, client_secret: await options.clientSecret() };
  switch (request.grant) {
    case 'authorization_code':
      // expiring=1: an expiring offline token with a refresh token, never a permanent one.
      return { ...app, code: request.code, expiring: '1' };
    case 'refresh_token':
      return { ...app, grant_type: 'refresh_token', refresh_token: request.refreshToken };
    case 'token_exchange':
      return {
        ...app,
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token: request.subjectToken,
        subject_token_type: OFFLINE_ACCESS_TOKEN_TYPE,
        requested_token_type: OFFLINE_ACCESS_TOKEN_TYPE,
        expiring: '1',
      };
  }
};

export const createOAuthClient = (options: OAuthClientOptions): ShopifyTokenEndpoint => {
  const fetch = options.fetch ?? globalThis.fetch;
  const template = options.shopUrlTemplate ?? DEFAULT_SHOP_URL_TEMPLATE;
  return {
    async grant(shopDomain, request): Promise<TokenGrant> {
      const url = `${shopUrlOf(template, shopDomain)}/admin/oauth/access_token`;
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams(await formOf(request, options)).toString(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        text = await response.text();
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new GrantUnavailableError(`Shopify's token endpoint did not answer (${name})`);
      }
      if (response.status === 429 || response.status >= 500)
        throw new GrantUnavailableError(`Shopify's token endpoint answered HTTP ${response.status}`);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (response.status < 200 || response.status >= 300) {
        const parsed = errorAnswer.safeParse(body);
        throw new GrantRefusedError(response.status, (parsed.success && parsed.data.error) || '');
      }
      const parsed = grantAnswer.safeParse(body);
      if (!parsed.success)
        throw new GrantUnavailableError("Shopify's token endpoint answered an unexpected body");
      const answer = parsed.data;
      return {
        accessToken: answer.access_token,
        ...(answer.scope !== undefined && { scope: answer.scope }),
        ...(answer.expires_in !== undefined && { expiresIn: answer.expires_in }),
        ...(answer.refresh_token !== undefined && { refreshToken: answer.refresh_token }),
        ...(answer.refresh_token_expires_in !== undefined && {
          refreshTokenExpiresIn: answer.refresh_token_expires_in,
        }),
      };
    },
  };
};
