/**
 * Webhook payload schemas (REST-shaped, API version 2026-10) and exact JSON parsing.
 *
 * Shopify ids are 64-bit and arrive as bare JSON numbers (`"id": 7000000000000000123`), which
 * `JSON.parse` would round. `parseShopifyJson` keeps every integer id as its source text, using
 * the `source` that Node 24's `JSON.parse` passes to revivers. Unknown extra fields are allowed
 * (`z.looseObject`): Shopify adds fields without a version bump and they must not fail delivery.
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors.js';

type ReviverWithSource = (
  this: unknown,
  key: string,
  value: unknown,
  context: { source?: string },
) => unknown;
const parseWithSource = JSON.parse as (text: string, reviver: ReviverWithSource) => unknown;

/** `id` and `*_id` keys hold Shopify ids; every other number is left as a JS number. */
const isIdKey = (key: string): boolean => key === 'id' || key.endsWith('_id');

/**
 * Parses JSON, keeping integer ids exact as decimal strings. Non-integer numbers under id keys
 * stay numbers, so the schemas reject them for the fields they know and ignore them elsewhere.
 * Malformed JSON → ValidationError (400).
 */
export const parseShopifyJson = (text: string): unknown => {
  try {
    return parseWithSource(text, (key, value, context) =>
      typeof value === 'number' &&
      isIdKey(key) &&
      context.source !== undefined &&
      /^\d+$/.test(context.source)
        ? context.source
        : value,
    );
  } catch {
    throw new ValidationError('Body is not valid JSON');
  }
};

/** Parses `value` with `schema`; the error names the fields and rules, never the values (PII). */
export const parseWith = <T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ValidationError(`Invalid ${what}: ${problems}`);
};

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const nullableText = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');

export const customerGidPattern = /^gid:\/\/shopify\/Customer\/(\d+)$/;

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
export type CustomerDeletePayload = z.output<typeof customerDeletePayloadSchema>;
