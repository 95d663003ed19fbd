/**
 * `locations/create|update|activate|deactivate` carry the whole location (REST-shaped, 2026-10);
 * `locations/delete` only its id. Parse bodies with `parseShopifyJson` so ids stay exact.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const text = z.string().nullish();
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');

const locationGidPattern = /^gid:\/\/shopify\/Location\/(\d+)$/;

export const locationPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    name: z.string(),
    active: z.boolean(),
    address1: text,
    address2: text,
    city: text,
    zip: text,
    province: text,
    province_code: text,
    /** REST's `country` is the code; the name is `country_name`. */
    country: text,
    country_code: text,
    country_name: text,
    phone: text,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine((payload) => locationGidPattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id, {
    message: 'admin_graphql_api_id does not match id',
    path: ['admin_graphql_api_id'],
  });
export type LocationPayload = z.output<typeof locationPayloadSchema>;

/** `locations/delete`: exactly `{ id }`; strict, so an update body under a swapped topic is refused. */
export const locationDeletePayloadSchema = z.strictObject({ id: shopifyId });
