/** Both ways into the canonical location: a GraphQL node (sync) and a REST payload (webhook). */
import * as z from 'zod';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { gidSchema, numericIdOfGid, optionalText, timestampSchema } from '../../kit/shopify-fields.js';
import type { LocationSnapshot } from '../record.js';
import type { LocationPayload } from './payloads.js';

export const graphqlLocationSchema = z.object({
  id: gidSchema,
  name: z.string(),
  isActive: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  address: z.object({
    address1: optionalText,
    address2: optionalText,
    city: optionalText,
    zip: optionalText,
    province: optionalText,
    provinceCode: optionalText,
    country: optionalText,
    countryCode: optionalText,
    phone: optionalText,
  }),
});
export type GraphqlLocation = z.infer<typeof graphqlLocationSchema>;

export const fromGraphql = (node: GraphqlLocation): LocationSnapshot => ({
  shopifyId: numericIdOfGid(node.id),
  name: node.name,
  isActive: node.isActive,
  address1: blankToNull(node.address.address1),
  address2: blankToNull(node.address.address2),
  city: blankToNull(node.address.city),
  zip: blankToNull(node.address.zip),
  province: blankToNull(node.address.province),
  provinceCode: blankToNull(node.address.provinceCode),
  country: blankToNull(node.address.country),
  countryCode: blankToNull(node.address.countryCode),
  phone: blankToNull(node.address.phone),
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});

export const fromWebhook = (payload: LocationPayload): LocationSnapshot => ({
  shopifyId: payload.id,
  name: payload.name,
  isActive: payload.active,
  address1: blankToNull(payload.address1),
  address2: blankToNull(payload.address2),
  city: blankToNull(payload.city),
  zip: blankToNull(payload.zip),
  province: blankToNull(payload.province),
  provinceCode: blankToNull(payload.province_code),
  country: blankToNull(payload.country_name),
  countryCode: blankToNull(payload.country_code ?? payload.country),
  phone: blankToNull(payload.phone),
  createdAt: toUtcIso(payload.created_at),
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});
