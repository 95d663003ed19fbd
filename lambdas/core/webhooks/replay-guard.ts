/**
 * Replays are no-ops across tenants. Every shop of the app signs with the same secret and only
 * the body is signed, so a body processed for one store can be posted again under another
 * store's headers, or another topic's. A digest of each processed body (its verified HMAC) is
 * kept for a week, whatever integration it was processed for; a second delivery of that body
 * answers 200 and changes nothing.
 *
 * The digest is recorded only once the delivery was processed: Shopify retries a delivery that
 * failed (same body, same signature) and the retry must still be applied.
 */

/** At least 7 days: Shopify retries for 4 h, can deliver a day late, and a replay can come later. */
export const REPLAY_WINDOW_SECONDS = 7 * 24 * 60 * 60;

/**
 * The replay guard's key of an EventBridge delivery: nothing there is signed, nor needs to be (AWS
 * authenticates the source), and Shopify's retries and SQS's redeliveries of one delivery share
 * its X-Shopify-Webhook-Id. Never equal to an HMAC (base64 has no `:`).
 */
export const deliveryReceiptKey = (webhookId: string): string => `webhook-id:${webhookId}`;

/** The verified digest of a signed body, handed to the write that records it. */
export interface DeliveryReceipt {
  readonly digest: string;
}

export interface ProcessedDeliveries {
  /** Whether a body with this digest was processed, for any integration, within the window. */
  has(digest: string): Promise<boolean>;
  /** Records a processed body; recording one twice is harmless. */
  add(digest: string): Promise<void>;
}
