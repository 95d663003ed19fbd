/**
 * A webhook delivered through Amazon EventBridge: Shopify publishes to the app's partner event
 * source, AWS puts it on the partner bus, a rule sends it to an SQS queue, and the ingest reads
 * the queue. There is no HMAC: only Shopify can publish to the partner source and only the rule
 * can send to the queue, so the event's `detail.metadata` (the X-Shopify-* fields) and
 * `detail.payload` (the body) come from Shopify, not from whoever reached a public URL.
 *
 * The SQS message body is the event as JSON text. It is parsed here, never by the Lambda runtime,
 * so integer ids above 2^53 stay exact (shopify-json.ts).
 */
import * as z from 'zod';
import { ValidationError } from '../errors.js';
import type { Integration } from '../integrations/integration.js';
import type { Authentication, IntegrationLookup } from './authenticate.js';
import { parseDeliveryHeaders, type WebhookDelivery } from './delivery.js';
import { deliveryReceiptKey } from './replay-guard.js';
import { parseShopifyJson } from './shopify-json.js';

/** The detail-type Shopify gives webhook events on its partner event sources. */
export const SHOPIFY_WEBHOOK_DETAIL_TYPE = 'shopifyWebhook';

/** `aws.partner/shopify.com/<app id>/<name>`: the partner event source (and bus) name. */
export const shopifyEventSourcePattern = /^aws\.partner\/shopify\.com\/\d+\/[\w.-]+$/;

/** The ARN Shopify's subscriptions take as their `uri`: the event source, not the bus. */
export const eventSourceArn = (region: string, sourceName: string): string =>
  `arn:aws:events:${region}::event-source/${sourceName}`;

const eventSchema = z.object({
  'detail-type': z.literal(SHOPIFY_WEBHOOK_DETAIL_TYPE),
  source: z.string().regex(shopifyEventSourcePattern, 'must be a Shopify partner event source'),
  detail: z.object({
    // Header values; a number is taken as its text (ids arrive exact, as decimal strings).
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
    payload: z.unknown(),
  }),
});

/**
 * Parses one event (an SQS message body). `expectedSource` is the deployment's event source: an
 * event from any other source is refused, whatever routed it here.
 */
export const parseEventBridgeDelivery = (
  text: string,
  { expectedSource, receivedAt = new Date() }: { expectedSource?: string; receivedAt?: Date } = {},
): WebhookDelivery => {
  const parsed = eventSchema.safeParse(parseShopifyJson(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ValidationError(`Invalid EventBridge webhook event: ${problems.join('; ')}`);
  }
  const { source, detail } = parsed.data;
  if (expectedSource !== undefined && source !== expectedSource)
    throw new ValidationError('Event from another event source than this deployment’s');
  const metadata = Object.fromEntries(
    Object.entries(detail.metadata).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const fields = parseDeliveryHeaders(metadata, receivedAt);
  return {
    ...fields,
    transport: 'eventbridge',
    payload: () => detail.payload,
    digest: deliveryReceiptKey(fields.webhookId),
  };
};

/**
 * The integration an EventBridge delivery is for. Only the app's own subscriptions publish to
 * its partner event source, so a store connected with a webhook secret of its own (a custom app,
 * whose deliveries come over HTTPS signed with that secret) is never the one meant.
 */
export const resolveEventBridgeDelivery = async (
  delivery: WebhookDelivery,
  integrations: IntegrationLookup,
): Promise<Authentication> => {
  const candidates = await integrations.findByShopDomain(delivery.shopDomain);
  const integration = candidates.find((candidate: Integration) => !candidate.encryptedWebhookSecret);
  return integration
    ? { kind: 'accepted', delivery, integration }
    : { kind: 'ignored', reason: 'unknown-shop', delivery };
};
