/**
 * Who sent this delivery, and may it be processed? The order matters: the app secrets first
 * (no I/O: a flood of unsigned requests is refused before any DynamoDB lookup, unless some
 * store has a secret of its own) → shop header → integration → that integration's own secret,
 * which overrides the app's → only then the remaining headers. So a signature made with one
 * store's secret can never be accepted for another store, and nothing unsigned is ever parsed.
 *
 * A correctly signed delivery for a shop we do not know is answered 2xx and ignored: a 4xx would
 * make Shopify retry for 4 hours and then drop the subscription, with nothing to gain. Inactive
 * integrations are accepted here; whether a topic still applies to them is the registry's call.
 */
import { InvalidSignatureError, ValidationError } from '../errors.js';
import type { Integration } from '../integrations/integration.js';
import {
  type RawWebhookRequest,
  type WebhookDelivery,
  lowerCaseHeaders,
  parseBody,
  parseDeliveryHeaders,
  readRawBody,
  shopDomainSchema,
} from './delivery.js';
import { verifiedDigest } from './verify-signature.js';

export interface WebhookSecrets {
  /**
   * The app's client secrets, current first: they sign every delivery of subscriptions the app
   * created. Two during a rotation (current and previous), otherwise one.
   */
  appSecrets(): Promise<readonly string[]>;
  /** The integration's own webhook secret (custom apps), if it has one. */
  integrationSecret(integration: Integration): Promise<string | undefined>;
}

export interface IntegrationLookup {
  /** All integrations of a (lower-case) shop domain, preferred first (ACTIVE, then oldest). */
  findByShopDomain(shopDomain: string): Promise<Integration[]>;
  /**
   * Whether any integration was connected with a webhook secret of its own. When none was, a
   * body the app secrets do not sign is refused without looking anything up.
   */
  ownWebhookSecretsInUse(): Promise<boolean>;
  /** Drops what is known of a shop (a cache), after a delivery changed its integrations. */
  forget?(shopDomain: string): void;
}

export type IgnoreReason = 'unknown-shop';

export type Authentication =
  | { readonly kind: 'accepted'; readonly delivery: WebhookDelivery; readonly integration: Integration }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason; readonly delivery: WebhookDelivery };

export interface AuthenticateDeps {
  readonly integrations: IntegrationLookup;
  readonly secrets: WebhookSecrets;
  readonly maxBodyBytes?: number;
  /** Time of receipt, which bounds X-Shopify-Triggered-At. */
  readonly now?: () => Date;
}

export const authenticateDelivery = async (
  request: RawWebhookRequest,
  { integrations, secrets, maxBodyBytes, now = () => new Date() }: AuthenticateDeps,
): Promise<Authentication> => {
  const receivedAt = now();
  const body = readRawBody(request, maxBodyBytes);
  const headers = lowerCaseHeaders(request.headers);
  const signature = headers['x-shopify-hmac-sha256'];
  if (!signature) throw new InvalidSignatureError('Missing X-Shopify-Hmac-Sha256 header');

  const appDigest = verifiedDigest(body, signature, await secrets.appSecrets());
  if (appDigest === undefined && !(await integrations.ownWebhookSecretsInUse()))
    throw new InvalidSignatureError();

  const shop = shopDomainSchema.safeParse(headers['x-shopify-shop-domain']);
  const candidates = shop.success ? await integrations.findByShopDomain(shop.data) : [];

  let signer: Integration | undefined;
  let digest = candidates.length === 0 ? appDigest : undefined;
  for (const candidate of candidates) {
    const own = await secrets.integrationSecret(candidate);
    // A store with its own secret accepts only that one; the others, the app's.
    digest = own === undefined ? appDigest : verifiedDigest(body, signature, [own]);
    if (digest !== undefined) {
      signer = candidate;
      break;
    }
  }
  if (digest === undefined) throw new InvalidSignatureError();

  if (!shop.success) throw new ValidationError('Missing or invalid X-Shopify-Shop-Domain header');
  const delivery: WebhookDelivery = {
    ...parseDeliveryHeaders(headers, receivedAt),
    transport: 'https',
    payload: () => parseBody(body),
    digest,
  };
  if (!signer) return { kind: 'ignored', reason: 'unknown-shop', delivery };
  return { kind: 'accepted', delivery, integration: signer };
};
