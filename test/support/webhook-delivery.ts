/**
 * Builds Shopify-shaped webhook deliveries for tests, signed with an independent HMAC (not the
 * code under test), plus a local AES-GCM TokenCipher standing in for KMS (same contract: the
 * integration id is bound as authenticated data).
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TokenCipher } from '../../lambdas/adapters/secrets/token-cipher.js';

export interface CustomerFacts {
  readonly id: string;
  readonly updatedAt: string;
  readonly createdAt?: string;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly note?: string | null;
  readonly state?: 'enabled' | 'disabled' | 'invited' | 'declined';
  readonly address?: Record<string, unknown> | null;
  readonly extra?: Record<string, unknown>;
}

/** The id is written as a bare JSON number, exactly as Shopify does (it may exceed 2^53). */
export const customerBody = (c: CustomerFacts): string => {
  const rest = JSON.stringify({
    email: c.email === undefined ? `c${c.id}@example.com` : c.email,
    created_at: c.createdAt ?? '2026-01-01T09:00:00-05:00',
    updated_at: c.updatedAt,
    first_name: c.firstName === undefined ? 'Ada' : c.firstName,
    last_name: c.lastName === undefined ? 'Lovelace' : c.lastName,
    state: c.state ?? 'enabled',
    note: c.note ?? null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: c.phone ?? null,
    currency: 'CAD',
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${c.id}`,
    default_address: c.address ?? null,
    ...c.extra,
  });
  return `{"id":${c.id},${rest.slice(1)}`;
};

export const deleteBody = (id: string): string =>
  `{"id":${id},"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${id}"}`;

export const hmac = (secret: string, body: string | Buffer): string =>
  createHmac('sha256', secret).update(body).digest('base64');

export interface DeliveryOptions {
  readonly secret: string;
  readonly shop: string;
  readonly topic: string;
  readonly body: string;
  readonly webhookId?: string;
  readonly triggeredAt?: string;
  readonly base64?: boolean;
  /** Header overrides; `undefined` removes a header. Names are used as given (any case). */
  readonly headers?: Record<string, string | undefined>;
}

export const webhookEvent = (o: DeliveryOptions): APIGatewayProxyEventV2 => {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-shopify-hmac-sha256': hmac(o.secret, o.body),
    'x-shopify-shop-domain': o.shop,
    'x-shopify-topic': o.topic,
    'x-shopify-webhook-id': o.webhookId ?? randomUUID(),
    'x-shopify-triggered-at': o.triggeredAt ?? new Date().toISOString(),
    'x-shopify-api-version': SHOPIFY_API_VERSION,
    ...o.headers,
  };
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/shopify',
    rawPath: '/webhooks/shopify',
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)),
    requestContext: {} as APIGatewayProxyEventV2['requestContext'],
    body: o.base64 ? Buffer.from(o.body, 'utf8').toString('base64') : o.body,
    isBase64Encoded: o.base64 ?? false,
  };
};

/** AES-256-GCM with the integration id as AAD: a ciphertext only opens for its own integration. */
export const localTokenCipher = (key: Buffer = randomBytes(32)): TokenCipher => ({
  async encrypt(plaintext, { integrationId }) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(integrationId));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  },
  async decrypt(ciphertext, { integrationId }) {
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(
      Buffer.from(integrationId),
    );
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  },
});
