/**
 * The install flow (Shopify's authorization code grant), driven by the stack:
 *
 *   POST /organizations/{org}/installations {shopDomain, returnUrl?}
 *     → 201 {authorizeUrl, expiresAt}: a random state (256 bits), single-use, bound to the
 *       organization and the shop, kept a few minutes
 *   the merchant opens authorizeUrl and approves; Shopify redirects to
 *   GET /oauth/callback?code&hmac&host&shop&state&timestamp
 *     → the hmac (constant time), the shop's pattern, the timestamp's freshness and the state are
 *       checked before anything is written; the code is exchanged (expiring=1) and the store is
 *       connected exactly as connect does; then a redirect to returnUrl.
 *
 * A replayed, tampered, stale or cross-organization callback is refused with a 4xx and writes
 * nothing (the state it names, if any, is spent).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { DomainError, ValidationError } from '../errors.js';
import {
  organizationIdSchema,
  shopDomainPattern,
  shopDomainSchema,
} from '../integrations/connect-request.js';
import { GrantRefusedError, type ShopifyTokenEndpoint, type TokenGrant } from './credentials.js';

export interface InstallState {
  readonly organizationId: string;
  readonly shopDomain: string;
  readonly returnUrl?: string;
  /** ISO; the store also expires the item (TTL), but a TTL deletion can lag by hours. */
  readonly expiresAt: string;
}

/** Pending installs, by state. `consume` deletes and answers in one conditional step: single use. */
export interface InstallStates {
  save(state: string, install: InstallState): Promise<void>;
  /** Spends the state only if it was issued for `shopDomain`: a foreign one is refused untouched. */
  consume(state: string, shopDomain: string): Promise<InstallState | undefined>;
}

export interface InstallSettings {
  /** The deployment's app (Partner Dashboard / Dev Dashboard client id). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The public URL of GET /oauth/callback, as registered in the app's redirect URLs. */
  readonly callbackUrl: string;
  /** `https://{shop}` (the simulator's locally). */
  readonly shopUrlTemplate: string;
  /** Return URLs allowed: an entry ending in `/` allows every URL under it, any other exactly itself. */
  readonly allowedReturnUrls: readonly string[];
  readonly stateTtlSeconds?: number;
  /** How old a callback's `timestamp` may be (and how far ahead of our clock). */
  readonly maxCallbackAgeSeconds?: number;
}

export class InstallCallbackError extends DomainError {
  constructor(status: 400 | 401, message: string) {
    super(status === 401 ? 'INVALID_SIGNATURE' : 'INVALID_CALLBACK', status, message);
  }
}

export const installationRequestSchema = z.strictObject({
  shopDomain: shopDomainSchema,
  returnUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
});

export const installationAnswerSchema = z.strictObject({
  authorizeUrl: z.url(),
  expiresAt: z.iso.datetime(),
});

export const isAllowedReturnUrl = (url: string, allowed: readonly string[]): boolean =>
  allowed.some((entry) => (entry.endsWith('/') ? url.startsWith(entry) : url === entry));

const shopUrl = (template: string, shopDomain: string) => template.replaceAll('{shop}', shopDomain);

export const startInstallation = async (
  organizationId: string,
  body: unknown,
  deps: { readonly states: InstallStates; readonly settings: InstallSettings; readonly now?: () => number },
): Promise<z.infer<typeof installationAnswerSchema>> => {
  const org = organizationIdSchema.parse(organizationId);
  const parsed = installationRequestSchema.safeParse(body);
  if (!parsed.success)
    throw new ValidationError(
      `Invalid installation: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
    );
  const { shopDomain, returnUrl } = parsed.data;
  if (returnUrl !== undefined && !isAllowedReturnUrl(returnUrl, deps.settings.allowedReturnUrls))
    throw new ValidationError(
      'returnUrl is not in the deployment\u2019s allow-list (CDK context installReturnUrls)',
    );
  const state = randomBytes(32).toString('base64url');
  const now = deps.now?.() ?? Date.now();
  const expiresAt = new Date(now + (deps.settings.stateTtlSeconds ?? 600) * 1000).toISOString();
  await deps.states.save(state, {
    organizationId: org,
    shopDomain,
    ...(returnUrl !== undefined && { returnUrl }),
    expiresAt,
  });
  const query = new URLSearchParams({
    client_id: deps.settings.clientId,
    scope: deps.settings.scopes.join(','),
    redirect_uri: deps.settings.callbackUrl,
    state,
  });
  return {
    authorizeUrl: `${shopUrl(deps.settings.shopUrlTemplate, shopDomain)}/admin/oauth/authorize?${query.toString()}`,
    expiresAt,
  };
};

/** Shopify's query signature: hex HMAC-SHA256 of the other parameters, sorted, `k=v` joined by `&`. */
export const callbackSignature = (params: Readonly<Record<string, string>>, secret: string): string => {
  const message = Object.keys(params)
    .filter((key) => key !== 'hmac' && key !== 'signature')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
};

const sameHex = (a: string, b: string) => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

const callbackQuerySchema = z.looseObject({
  code: z.string().min(1).max(512),
  hmac: z.string().regex(/^[0-9a-f]{64}$/i),
  shop: z.string().max(255),
  state: z.string().min(1).max(256),
  timestamp: z.string().regex(/^\d{1,12}$/),
  host: z.string().max(512).optional(),
});

export interface CompletedInstall {
  readonly organizationId: string;
  readonly shopDomain: string;
  readonly returnUrl?: string;
  readonly grant: TokenGrant;
}

/**
 * Checks a callback and exchanges its code. Every check runs before the state is spent, and the
 * state before the code is exchanged; nothing else is written here.
 */
export const completeInstallation = async (
  query: Readonly<Record<string, string | undefined>>,
  deps: {
    readonly states: InstallStates;
    readonly settings: InstallSettings;
    readonly endpoint: ShopifyTokenEndpoint;
    /** The app's client secrets, current first (a rotation keeps the previous one valid a while). */
    readonly appSecrets: () => Promise<readonly string[]>;
    readonly now?: () => number;
  },
): Promise<CompletedInstall> => {
  const parsed = callbackQuerySchema.safeParse(query);
  if (!parsed.success)
    throw new InstallCallbackError(400, 'The callback lacks code, hmac, shop, state or timestamp');
  const params = Object.fromEntries(
    Object.entries(parsed.data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const secrets = await deps.appSecrets();
  const signed = secrets.some((secret) =>
    sameHex(callbackSignature(params, secret), parsed.data.hmac.toLowerCase()),
  );
  if (!signed) throw new InstallCallbackError(401, 'The callback signature (hmac) does not match');
  const shopDomain = parsed.data.shop.toLowerCase();
  if (!shopDomainPattern.test(shopDomain))
    throw new InstallCallbackError(400, 'shop is not a name.myshopify.com domain');
  const now = deps.now?.() ?? Date.now();
  const maxAge = (deps.settings.maxCallbackAgeSeconds ?? 300) * 1000;
  const issued = Number(parsed.data.timestamp) * 1000;
  if (now - issued > maxAge || issued - now > 60_000)
    throw new InstallCallbackError(400, 'The callback is stale (timestamp)');
  const install = await deps.states.consume(parsed.data.state, shopDomain);
  if (!install)
    throw new InstallCallbackError(400, 'Unknown or already used state, or one issued for another shop');
  if (Date.parse(install.expiresAt) <= now)
    throw new InstallCallbackError(400, 'The installation expired; start it again');
  let grant: TokenGrant;
  try {
    grant = await deps.endpoint.grant(shopDomain, { grant: 'authorization_code', code: parsed.data.code });
  } catch (error) {
    if (error instanceof GrantRefusedError)
      throw new InstallCallbackError(400, `Shopify refused the authorization code (HTTP ${error.status})`);
    throw error;
  }
  if (grant.refreshToken === undefined || grant.expiresIn === undefined)
    throw new InstallCallbackError(
      400,
      'Shopify answered a non-expiring token; expiring offline tokens are required',
    );
  return {
    organizationId: install.organizationId,
    shopDomain,
    ...(install.returnUrl !== undefined && { returnUrl: install.returnUrl }),
    grant,
  };
};

/** Where the merchant lands: the return URL with the outcome appended. */
export const returnLocation = (returnUrl: string, outcome: Readonly<Record<string, string>>): string => {
  const url = new URL(returnUrl);
  for (const [key, value] of Object.entries(outcome)) url.searchParams.set(key, value);
  return url.toString();
};
