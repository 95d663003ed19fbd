/**
 * A webhook delivery, whichever way it came: over HTTPS (raw body bytes plus X-Shopify-* headers)
 * or through Amazon EventBridge (the same fields as `detail.metadata`, the body as
 * `detail.payload`). Everything here is parsed with zod at the boundary; header names are
 * matched case-insensitively.
 */
import * as z from 'zod';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { parseShopifyJson } from './shopify-json.js';

/**
 * Shopify documents no size cap for HTTPS deliveries: a product at its 2,048-variant ceiling is
 * ~552 KB, orders with many lines run past a megabyte, and its own EventBridge cap is 1,000,000
 * bytes. What binds is AWS: API Gateway passes up to 10 MB, but Lambda takes a synchronous event of
 * at most 6 MB, and the body sits in that event as a JSON string, where each `"`, `\` and newline
 * is escaped to two bytes. 3,000,000 bytes therefore always fits (≤ 6,000,000 plus headers), is
 * three times Shopify's own large-payload threshold, and is still refused before any HMAC work.
 */
export const MAX_BODY_BYTES = 3_000_000;

export interface RawWebhookRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
}

/**
 * How a delivery reached us. `https`: the body is signed and the headers are unsigned claims.
 * `eventbridge`: AWS delivered it from the app's partner event source, which only Shopify can
 * publish to, so metadata and body both come from Shopify.
 */
export type WebhookTransport = 'https' | 'eventbridge';

export interface WebhookDelivery {
  readonly transport: WebhookTransport;
  readonly shopDomain: string;
  readonly topic: string;
  readonly webhookId: string;
  /**
   * When Shopify emitted the event (X-Shopify-Triggered-At), UTC ISO, clamped to the 48 h before
   * receipt (see clampTriggeredAt): it becomes `deletedAt`, and the header is not signed.
   */
  readonly triggeredAt: string;
  /** When this delivery reached us, UTC ISO. */
  readonly receivedAt: string;
  readonly apiVersion?: string;
  readonly eventId?: string;
  /**
   * The body as JSON, integer ids kept exact (shopify-json.ts). Read only once the topic is known
   * to be handled, so the body of a topic nobody handles is never parsed.
   */
  readonly payload: () => unknown;
  /**
   * The replay guard's key (replay-guard.ts): over HTTPS the verified HMAC of the body (base64),
   * through EventBridge the delivery's X-Shopify-Webhook-Id.
   */
  readonly digest: string;
}

export const lowerCaseHeaders = (
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([name, value]) => [name.toLowerCase(), value]),
  );

/** Decodes the body, refusing oversized ones before any HMAC work (413). */
export const readRawBody = (request: RawWebhookRequest, limitBytes = MAX_BODY_BYTES): Buffer => {
  const body = request.body ?? '';
  // A lower bound of the decoded size first, so a huge body is never decoded: base64 carries
  // 3 bytes per 4 chars (minus padding), and UTF-8 needs at least one byte per UTF-16 unit.
  const atLeast = request.isBase64Encoded ? Math.floor((body.length * 3) / 4) - 2 : body.length;
  if (atLeast > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const bytes = request.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
  return bytes;
};

export const shopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be a *.myshopify.com domain');

const deliveryHeadersSchema = z.object({
  'x-shopify-shop-domain': shopDomainSchema,
  'x-shopify-topic': z
    .string()
    .trim()
    .regex(/^[a-z_]+(\/[a-z_]+)+$/, 'must look like resource/event'),
  'x-shopify-webhook-id': z.string().trim().min(1).max(128),
  'x-shopify-triggered-at': z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp')
    .transform((value) => new Date(Date.parse(value)).toISOString()),
  'x-shopify-api-version': z.string().max(32).optional(),
  'x-shopify-event-id': z.string().max(128).optional(),
});

/**
 * Shopify delivers within seconds and retries for 4 h, at most about a day late; 48 h holds all
 * of that with margin. A time outside [receipt − 48 h, receipt] did not come from Shopify (the
 * header is unsigned: `1970-01-01` would otherwise become a customer's deletedAt), so the time of
 * receipt stands in for it.
 */
export const TRIGGERED_AT_WINDOW_MS = 48 * 60 * 60 * 1000;

export const clampTriggeredAt = (triggeredAt: string, receivedAt: Date): string => {
  const claimed = Date.parse(triggeredAt);
  const received = receivedAt.getTime();
  return claimed <= received && claimed >= received - TRIGGERED_AT_WINDOW_MS
    ? triggeredAt
    : receivedAt.toISOString();
};

/**
 * The X-Shopify-* fields, as HTTP headers or as EventBridge's `detail.metadata` (lower-cased
 * names): over HTTPS called only after the signature checked out, so a signed delivery missing a
 * header is a 400.
 */
export const parseDeliveryHeaders = (
  headers: Record<string, string>,
  receivedAt: Date = new Date(),
): Omit<WebhookDelivery, 'digest' | 'payload' | 'transport'> => {
  const result = deliveryHeadersSchema.safeParse(headers);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ValidationError(`Invalid webhook headers: ${problems}`);
  }
  const h = result.data;
  return {
    shopDomain: h['x-shopify-shop-domain'],
    topic: h['x-shopify-topic'],
    webhookId: h['x-shopify-webhook-id'],
    triggeredAt: clampTriggeredAt(h['x-shopify-triggered-at'], receivedAt),
    receivedAt: receivedAt.toISOString(),
    ...(h['x-shopify-api-version'] !== undefined && { apiVersion: h['x-shopify-api-version'] }),
    ...(h['x-shopify-event-id'] !== undefined && { eventId: h['x-shopify-event-id'] }),
  };
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The signed bytes of an HTTPS body as exact JSON; not UTF-8 or not JSON → ValidationError (400). */
export const parseBody = (body: Uint8Array): unknown => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new ValidationError('Body is not valid UTF-8');
  }
  return parseShopifyJson(text);
};
