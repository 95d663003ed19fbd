/**
 * Shopify's OAuth endpoints for the simulated shops, with the rules the stack must live by:
 *
 *   GET  /{shop}/admin/oauth/authorize     the merchant approves at once: 302 to redirect_uri with
 *                                          code, hmac, host, shop, state, timestamp (hmac: hex
 *                                          HMAC-SHA256 of the sorted others, under the app secret)
 *   POST /{shop}/admin/oauth/access_token  form or JSON; grants:
 *     code (+ expiring=1)         single-use code → expiring pair (or the shop's static token)
 *     refresh_token               rotates: a new pair each time; the previous refresh token is
 *                                 retained until its replacement is used (a lost response is
 *                                 recovered by asking again with it), then retired
 *     token-exchange (expiring=1) the shop's static token → an expiring pair; the static token
 *                                 stops working; a retry with it within 7 days returns the same
 *                                 pair (until that pair is refreshed)
 *     client_credentials          a Dev Dashboard app of the shop's owner: a 24-hour token, no
 *                                 refresh token
 *
 * Expired tokens get 401 at the Admin API, and each such call is counted (the chaos run asserts
 * none); so is every refresh token spent more than once. `refuseNonExpiringAfter` makes static
 * tokens fail from a moment on, as Shopify will from 2027-01-01 for public apps.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { readBody, sendJson } from './http-io.js';
import type { SimulatedShop } from './shop.js';

export const oauthPathPattern = /^\/([^/]+)\/admin\/oauth\/(authorize|access_token)$/;

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const OFFLINE_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';

export interface OAuthSettings {
  /** The deployment's (public) app. */
  clientId: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  clientCredentialsTtlSeconds: number;
  /** Epoch ms from which static (non-expiring) tokens get 401; undefined: never. */
  refuseNonExpiringAfter: number | undefined;
  codeTtlSeconds: number;
}

export const defaultSimulatorClientId = 'shopify-simulator-client-id';

export const defaultOAuthSettings = (): OAuthSettings => ({
  clientId: defaultSimulatorClientId,
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 90 * 86_400,
  clientCredentialsTtlSeconds: 86_399,
  refuseNonExpiringAfter: undefined,
  codeTtlSeconds: 600,
});

export interface OAuthStats {
  readonly grants: Record<string, number>;
  /** Admin API calls made with an access token past its expiry. */
  expiredTokenCalls: number;
  /** Admin API calls refused because static tokens are no longer accepted. */
  nonExpiringRefused: number;
  /** Refresh tokens presented a second time (each recovery of a lost response is one). */
  refreshTokenReuses: number;
  /** Token responses dropped on purpose (dropNextTokenResponses). */
  droppedResponses: number;
}

interface AccessTokenRecord {
  readonly shop: string;
  readonly kind: 'expiring' | 'client-credentials';
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  readonly shop: string;
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly scope: string;
  /** current: the newest; retained: replaced but usable until its replacement is used. */
  state: 'current' | 'retained' | 'retired';
  uses: number;
  /** The pair this one replaced (retired when this one is first used). */
  readonly previous: string | undefined;
  /** The pair that replaced this one. */
  next: string | undefined;
  /** Created by a token exchange of this static token (its 7-day retry answers this pair). */
  readonly exchangedFrom: string | undefined;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(16).toString('hex')}`;

const grantBody = z.looseObject({
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  grant_type: z.string().optional(),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
  subject_token: z.string().optional(),
  subject_token_type: z.string().optional(),
  requested_token_type: z.string().optional(),
  expiring: z.union([z.string(), z.number()]).optional(),
});

export class OAuthServer {
  readonly settings: OAuthSettings;
  readonly stats: OAuthStats = {
    grants: {},
    expiredTokenCalls: 0,
    nonExpiringRefused: 0,
    refreshTokenReuses: 0,
    droppedResponses: 0,
  };
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<
    string,
    { shop: string; scope: string; expiresAt: number; used: boolean }
  >();
  /** Static tokens already exchanged: token → {at, refresh token of the pair}. */
  private readonly exchanges = new Map<string, { at: number; refreshToken: string }>();
  private readonly devApps = new Map<string, { clientId: string; clientSecret: string; scope: string }>();
  private dropNext = 0;

  constructor(
    private readonly appSecret: string,
    private readonly clock: Clock,
    settings: Partial<OAuthSettings> = {},
  ) {
    this.settings = { ...defaultOAuthSettings(), ...settings };
  }

  configure(settings: Partial<OAuthSettings>): void {
    Object.assign(this.settings, settings);
  }

  /** A Dev Dashboard app installed on `shop` by its owner: the client credentials grant answers it. */
  registerDevDashboardApp(
    shop: string,
    app: { clientId: string; clientSecret: string; scope?: string },
  ): void {
    this.devApps.set(shop, { scope: 'read_customers,read_orders,read_products', ...app });
  }

  /** The next `count` token responses are computed (and take effect) but never reach the caller. */
  dropNextTokenResponses(count = 1): void {
    this.dropNext += count;
  }

  /** Expires every token of the shop now (e.g. to test a refresh on 401). */
  expireAccessTokens(shop: string): void {
    for (const record of this.accessTokens.values())
      if (record.shop === shop) record.expiresAt = this.clock.now();
  }

  /** Ages every refresh token of the shop past its expiry. */
  expireRefreshTokens(shop: string): void {
    for (const [token, record] of this.refreshTokens)
      if (record.shop === shop) this.refreshTokens.set(token, { ...record, expiresAt: this.clock.now() - 1 });
  }

  /** Revokes everything issued for the shop (an uninstall). */
  revoke(shop: string): void {
    for (const record of this.accessTokens.values()) if (record.shop === shop) record.revoked = true;
    for (const record of this.refreshTokens.values()) if (record.shop === shop) record.state = 'retired';
  }

  /** What the Admin API makes of a request's token. */
  authenticate(shop: SimulatedShop, token: string | undefined): 'ok' | 'invalid' {
    if (token === undefined) return 'invalid';
    const record = this.accessTokens.get(token);
    if (record) {
      if (record.shop !== shop.domain || record.revoked) return 'invalid';
      if (record.expiresAt <= this.clock.now()) {
        this.stats.expiredTokenCalls += 1;
        return 'invalid';
      }
      return 'ok';
    }
    if (!shop.acceptsToken(token)) return 'invalid';
    const cutoff = this.settings.refuseNonExpiringAfter;
    if (cutoff !== undefined && this.clock.now() >= cutoff) {
      this.stats.nonExpiringRefused += 1;
      return 'invalid';
    }
    return 'ok';
  }

  /** How many refresh grants each shop has had. */
  refreshGrants(shop?: string): number {
    return shop === undefined ? (this.stats.grants['refresh_token'] ?? 0) : (this.perShop.get(shop) ?? 0);
  }

  private readonly perShop = new Map<string, number>();

  async handle(request: IncomingMessage, response: ServerResponse, shop: SimulatedShop, endpoint: string) {
    if (endpoint === 'authorize') return this.authorize(request, response, shop);
    if (request.method !== 'POST')
      return sendJson(response, 405, { errors: 'Method Not Allowed' }, { Allow: 'POST' });
    return this.accessToken(request, response, shop);
  }

  private authorize(request: IncomingMessage, response: ServerResponse, shop: SimulatedShop) {
    const query = new URL(request.url ?? '/', 'http://simulator').searchParams;
    const redirectUri = query.get('redirect_uri');
    if (query.get('client_id') !== this.settings.clientId || !redirectUri || !query.get('state'))
      return sendJson(response, 400, { error: 'invalid_request' });
    const code = randomBytes(16).toString('hex');
    const scope = query.get('scope') ?? '';
    this.codes.set(code, {
      shop: shop.domain,
      scope,
      expiresAt: this.clock.now() + this.settings.codeTtlSeconds * 1000,
      used: false,
    });
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${shop.domain.replace(/\.myshopify\.com$/, '')}`).toString(
        'base64url',
      ),
      shop: shop.domain,
      state: query.get('state')!,
      timestamp: String(Math.floor(this.clock.now() / 1000)),
    };
    const location = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) location.searchParams.set(key, value);
    location.searchParams.set('hmac', signQuery(params, this.appSecret));
    response.writeHead(302, { Location: location.toString(), 'Content-Length': 0 });
    response.end();
  }

  private async accessToken(request: IncomingMessage, response: ServerResponse, shop: SimulatedShop) {
    const raw = await readBody(request);
    let fields: unknown;
    try {
      fields = request.headers['content-type']?.includes('json')
        ? JSON.parse(raw)
        : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return sendJson(response, 400, { error: 'invalid_request' });
    }
    const parsed = grantBody.safeParse(fields);
    if (!parsed.success) return sendJson(response, 400, { error: 'invalid_request' });
    const body = parsed.data;
    const grantType = body.grant_type ?? (body.code !== undefined ? 'authorization_code' : '');
    this.stats.grants[grantType] = (this.stats.grants[grantType] ?? 0) + 1;
    const answer = this.grant(grantType, body, shop);
    if (answer.status === 200 && this.dropNext > 0) {
      // The grant took effect; only its answer is lost on the way back.
      this.dropNext -= 1;
      this.stats.droppedResponses += 1;
      request.socket.destroy();
      return;
    }
    sendJson(response, answer.status, answer.body);
  }

  private grant(
    grantType: string,
    body: z.infer<typeof grantBody>,
    shop: SimulatedShop,
  ): { status: number; body: Record<string, unknown> } {
    const refused = (error: string, status = 400) => ({ status, body: { error } });
    if (grantType === 'client_credentials') {
      const app = this.devApps.get(shop.domain);
      if (!app || app.clientId !== body.client_id || app.clientSecret !== body.client_secret)
        return refused('invalid_client', 401);
      const token = newToken('shpat');
      const ttl = this.settings.clientCredentialsTtlSeconds;
      this.accessTokens.set(token, {
        shop: shop.domain,
        kind: 'client-credentials',
        expiresAt: this.clock.now() + ttl * 1000,
        revoked: false,
      });
      return { status: 200, body: { access_token: token, scope: app.scope, expires_in: ttl } };
    }
    if (body.client_id !== this.settings.clientId || body.client_secret !== this.appSecret)
      return refused('invalid_client', 401);
    const expiring = String(body.expiring ?? '') === '1';
    switch (grantType) {
      case 'authorization_code': {
        const code = this.codes.get(body.code ?? '');
        if (!code || code.used || code.shop !== shop.domain || code.expiresAt <= this.clock.now())
          return refused('invalid_grant');
        code.used = true;
        if (!expiring)
          return { status: 200, body: { access_token: shop.staticAccessToken(), scope: code.scope } };
        // A new acquisition replaces the shop's earlier pairs.
        this.revoke(shop.domain);
        return { status: 200, body: this.issuePair(shop.domain, code.scope, undefined, undefined) };
      }
      case 'refresh_token': {
        const token = body.refresh_token ?? '';
        const record = this.refreshTokens.get(token);
        if (
          !record ||
          record.shop !== shop.domain ||
          record.state === 'retired' ||
          record.expiresAt <= this.clock.now()
        )
          return refused('invalid_grant');
        record.uses += 1;
        if (record.uses > 1) this.stats.refreshTokenReuses += 1;
        this.perShop.set(shop.domain, (this.perShop.get(shop.domain) ?? 0) + 1);
        if (record.state === 'retained') {
          // A lost answer, recovered: the pair issued then (never used) is replaced.
          const lost = record.next !== undefined ? this.refreshTokens.get(record.next) : undefined;
          if (lost) {
            lost.state = 'retired';
            const access = this.accessTokens.get(lost.accessToken);
            if (access) access.revoked = true;
          }
        } else {
          // Its replacement is used: the one it replaced is retired.
          const previous =
            record.previous !== undefined ? this.refreshTokens.get(record.previous) : undefined;
          if (previous) previous.state = 'retired';
          record.state = 'retained';
        }
        const pair = this.issuePair(shop.domain, record.scope, token, undefined, record.expiresAt);
        record.next = pair.refresh_token;
        return { status: 200, body: pair };
      }
      case TOKEN_EXCHANGE_GRANT: {
        if (
          !expiring ||
          body.subject_token_type !== OFFLINE_TOKEN_TYPE ||
          body.requested_token_type !== OFFLINE_TOKEN_TYPE ||
          body.subject_token === undefined
        )
          return refused('invalid_request');
        const subject = body.subject_token;
        const earlier = this.exchanges.get(subject);
        if (earlier) {
          const pair = this.refreshTokens.get(earlier.refreshToken);
          // Same answer within 7 days, while the pair has not been refreshed.
          if (
            !pair ||
            pair.state !== 'current' ||
            pair.uses > 0 ||
            this.clock.now() - earlier.at > 7 * 86_400_000
          )
            return refused('invalid_grant');
          const access = this.accessTokens.get(pair.accessToken)!;
          access.expiresAt = Math.max(
            access.expiresAt,
            this.clock.now() + this.settings.accessTokenTtlSeconds * 1000,
          );
          return {
            status: 200,
            body: {
              access_token: pair.accessToken,
              scope: pair.scope,
              expires_in: Math.round((access.expiresAt - this.clock.now()) / 1000),
              refresh_token: earlier.refreshToken,
              refresh_token_expires_in: Math.round((pair.expiresAt - this.clock.now()) / 1000),
            },
          };
        }
        const cutoff = this.settings.refuseNonExpiringAfter;
        if (!shop.acceptsToken(subject) || (cutoff !== undefined && this.clock.now() >= cutoff))
          return refused('invalid_grant');
        const scope = 'read_customers,read_orders,read_products';
        const pair = this.issuePair(shop.domain, scope, undefined, subject);
        this.exchanges.set(subject, { at: this.clock.now(), refreshToken: pair.refresh_token });
        // The original token stops working for the Admin API.
        shop.setAccessToken(null);
        return { status: 200, body: pair };
      }
      default:
        return refused('unsupported_grant_type');
    }
  }

  private issuePair(
    shop: string,
    scope: string,
    previous: string | undefined,
    exchangedFrom: string | undefined,
    refreshExpiresAt?: number,
  ) {
    const now = this.clock.now();
    const accessToken = newToken('shpat');
    const refreshToken = newToken('shprt');
    const ttl = this.settings.accessTokenTtlSeconds;
    // A refresh does not extend the refresh token's life beyond its chain's.
    const expiresAt = refreshExpiresAt ?? now + this.settings.refreshTokenTtlSeconds * 1000;
    this.accessTokens.set(accessToken, {
      shop,
      kind: 'expiring',
      expiresAt: now + ttl * 1000,
      revoked: false,
    });
    this.refreshTokens.set(refreshToken, {
      shop,
      accessToken,
      expiresAt,
      scope,
      state: 'current',
      uses: 0,
      previous,
      next: undefined,
      exchangedFrom,
    });
    return {
      access_token: accessToken,
      scope,
      expires_in: ttl,
      refresh_token: refreshToken,
      refresh_token_expires_in: Math.max(1, Math.round((expiresAt - now) / 1000)),
    };
  }
}

/** Shopify's redirect signature: hex HMAC-SHA256 of `k=v` pairs sorted by key, joined with `&`. */
export const signQuery = (params: Readonly<Record<string, string>>, secret: string): string =>
  createHmac('sha256', secret)
    .update(
      Object.keys(params)
        .filter((key) => key !== 'hmac' && key !== 'signature')
        .sort()
        .map((key) => `${key}=${params[key]}`)
        .join('&'),
    )
    .digest('hex');
