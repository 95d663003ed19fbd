/**
 * Shopify signs the raw body bytes with HMAC-SHA256 under the app's (or the integration's)
 * secret and sends the base64 digest in X-Shopify-Hmac-Sha256. Verification runs on the exact
 * bytes received, before any parsing, and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signBody = (secret: string, rawBody: Uint8Array): string =>
  createHmac('sha256', secret).update(rawBody).digest('base64');

export const isValidSignature = (rawBody: Uint8Array, signature: string, secret: string): boolean => {
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const received = Buffer.from(signature, 'base64');
  // Equal length is required by timingSafeEqual; a 32-byte digest's length is not a secret.
  return received.length === expected.length && timingSafeEqual(received, expected);
};
