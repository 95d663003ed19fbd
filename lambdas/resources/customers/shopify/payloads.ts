/**
 * Webhook payload schemas (REST-shaped, API version 2026-10). Parse bodies with
 * `parseShopifyJson` (core/webhooks/shopify-json.ts) so 64-bit ids stay exact. Unknown extra fields are allowed
 * (`z.looseObject`): Shopify adds fields without a version bump and they must not fail delivery.
 */
import * as z from 'zod';
import {
  idsAgree,
  restAddressShape,
  restIdSchema as shopifyId,
  restTextSchema as nullableText,
  restTimestampSchema as timestamp,
} from '../../kit/shopify-fields.js';

export const webhookAddressSchema = z.looseObject({ id: shopifyId.nullish(), ...restAddressShape });
export type WebhookAddress = z.output<typeof webhookAddressSchema>;

/** `customers/create` and `customers/update` (2026-10: no tags, consent, orders_count, total_spent). */
export const customerPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    email: nullableText,
    phone: nullableText,
    first_name: nullableText,
    last_name: nullableText,
    state: z.enum(['enabled', 'disabled', 'invited', 'declined'], {
      error: 'must be one of enabled, disabled, invited, declined',
    }),
    verified_email: z.boolean().nullish(),
    tax_exempt: z.boolean().nullish(),
    tax_exemptions: z.array(z.string()).nullish(),
    note: nullableText,
    default_address: webhookAddressSchema.nullish(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine(...idsAgree('Customer'));
export type CustomerPayload = z.output<typeof customerPayloadSchema>;

/**
 * `customers/delete`: since 2025-10 exactly `id`, `tax_exemptions` and `admin_graphql_api_id`.
 * Strict, unlike the other topics: the only difference between an update body and a delete body
 * is their shape, and the topic header is unsigned, so a body with snapshot fields (`updated_at`,
 * `email`, names…) delivered as a delete is an update body under a swapped topic.
 */
export const customerDeletePayloadSchema = z
  .strictObject({
    id: shopifyId,
    tax_exemptions: z.array(z.string()).nullish(),
    admin_graphql_api_id: z.string(),
  })
  .refine(...idsAgree('Customer'));
