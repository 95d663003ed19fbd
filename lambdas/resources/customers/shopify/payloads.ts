/**
 * Webhook payload schemas (REST-shaped, API version 2026-10). Parse bodies with
 * `parseShopifyJson` (core/webhooks/shopify-json.ts) so 64-bit ids stay exact. Unknown extra fields are allowed
 * (`z.looseObject`): Shopify adds fields without a version bump and they must not fail delivery.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const nullableText = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');

const customerGidPattern = /^gid:\/\/shopify\/Customer\/(\d+)$/;

export const webhookAddressSchema = z.looseObject({
  id: shopifyId.nullish(),
  first_name: nullableText,
  last_name: nullableText,
  name: nullableText,
  company: nullableText,
  address1: nullableText,
  address2: nullableText,
  city: nullableText,
  province: nullableText,
  province_code: nullableText,
  country: nullableText,
  country_code: nullableText,
  zip: nullableText,
  phone: nullableText,
});
export type WebhookAddress = z.output<typeof webhookAddressSchema>;

/** Both ids must name the same customer: a disagreement means a corrupt or forged payload. */
const idsAgree = (payload: { id: string; admin_graphql_api_id: string }): boolean =>
  customerGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id;
const idsAgreeRule = { message: 'admin_graphql_api_id does not match id', path: ['admin_graphql_api_id'] };

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
  .refine(idsAgree, idsAgreeRule);
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
  .refine(idsAgree, idsAgreeRule);
