/**
 * Shopify signs the raw body bytes with HMAC-SHA256 under the app's (or the integration's)
 * secret and sends the base64 digest in X-Shopify-Hmac-Sha256. Verification runs on the exact
 * bytes received, before any parsing, and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signBody = (secret: string, rawBody: Uint8Array): string =>
  createHmac('sha256', secret).update(rawBody).digest('base64');

/**
 * The body's digest under the first of `secrets` that produced `signature`, or undefined. The
 * digest is recomputed, never taken from the header, so re-encodings of one signature (base64
 * padding, whitespace) all name the same body.
 */
export const verifiedDigest = (
  rawBody: Uint8Array,
  signature: string,
  secrets: readonly string[],
): string | undefined => {
  const received = Buffer.from(signature, 'base64');
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // Equal length is required by timingSafeEqual; a 32-byte digest's length is not a secret.
    if (received.length === expected.length && timingSafeEqual(received, expected))
      return expected.toString('base64');
  }
  return undefined;
};

export const isValidSignature = (rawBody: Uint8Array, signature: string, secret: string): boolean =>
  verifiedDigest(rawBody, signature, [secret]) !== undefined;
