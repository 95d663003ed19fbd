/**
 * What the resources' Shopify parts share: the scalars as Shopify sends them, in GraphQL (global
 * ids, nullable text, ISO timestamps) and in REST webhook payloads (numeric ids, decimal amounts),
 * and the postal address, which a customer's default address and an order's shipping and billing
 * addresses carry with the same fields, from GraphQL (sync) or REST (webhooks). One place, so the
 * two paths and the resources normalise them alike.
 */
import * as z from 'zod';
import { blankToNull } from './normalize.js';
import { type PostalAddress, postalAddressShape } from './record-schema.js';

/** `gid://shopify/MailingAddress/123?model_name=CustomerAddress` → `'123'`; never through a JS number. */
export const numericIdOfGid = (gid: string): string => {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match?.[1]) throw new RangeError(`Not a Shopify global id: ${gid}`);
  return match[1];
};

export const gidSchema = z.string().regex(/^gid:\/\/shopify\/[A-Za-z]+\/\d+(?:\?.*)?$/, 'Shopify global id');
export const optionalText = z.string().nullish();
export const timestampSchema = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'ISO-8601 timestamp');

/** The GraphQL `MailingAddress` fields every address selection takes. */
export const graphqlAddressShape = {
  firstName: optionalText,
  lastName: optionalText,
  name: optionalText,
  company: optionalText,
  address1: optionalText,
  address2: optionalText,
  city: optionalText,
  province: optionalText,
  provinceCode: optionalText,
  country: optionalText,
  countryCodeV2: optionalText,
  zip: optionalText,
  phone: optionalText,
};
type GraphqlAddress = z.infer<z.ZodObject<typeof graphqlAddressShape>>;

export const addressFromGraphql = (address: GraphqlAddress): PostalAddress =>
  postalAddressOf(address, { countryCode: 'countryCodeV2' });

/** A numeric id in a REST payload (parsed with `parseShopifyJson`, so it is exact text). */
export const restIdSchema = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
export const restTextSchema = z.string().nullish();
export const restTimestampSchema = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp');
/** Amounts arrive as decimal strings (`"12.50"`) and stay strings. */
export const restAmountSchema = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');

/** The REST address fields of customers/* and orders/* payloads. */
export const restAddressShape = {
  first_name: restTextSchema,
  last_name: restTextSchema,
  name: restTextSchema,
  company: restTextSchema,
  address1: restTextSchema,
  address2: restTextSchema,
  city: restTextSchema,
  province: restTextSchema,
  province_code: restTextSchema,
  country: restTextSchema,
  country_code: restTextSchema,
  zip: restTextSchema,
  phone: restTextSchema,
};
export type RestAddress = z.output<z.ZodObject<typeof restAddressShape>>;

/**
 * A payload's `id` and `admin_graphql_api_id` must name the same record of `gidType`: a
 * disagreement means a corrupt or forged payload. Spread into `.refine(...)`.
 */
export const idsAgree = (
  gidType: string,
): [check: (payload: { id: string; admin_graphql_api_id: string }) => boolean, rule: IdsAgreeRule] => {
  const pattern = new RegExp(`^gid://shopify/${gidType}/(\\d+)$`);
  return [
    (payload) => pattern.exec(payload.admin_graphql_api_id)?.[1] === payload.id,
    { message: 'admin_graphql_api_id does not match id', path: ['admin_graphql_api_id'] },
  ];
};
interface IdsAgreeRule {
  message: string;
  path: string[];
}

export const addressFromRest = (address: RestAddress): PostalAddress =>
  postalAddressOf(address, {
    firstName: 'first_name',
    lastName: 'last_name',
    provinceCode: 'province_code',
    countryCode: 'country_code',
  });

/** The record's address fields, in the record's order. */
const postalFields = Object.keys(postalAddressShape) as (keyof PostalAddress)[];

/**
 * An address as the record keeps it, read from either API: `renamed` gives the payload's name of
 * each field it names otherwise; blank and absent are both null.
 */
const postalAddressOf = (
  address: Readonly<Record<string, string | null | undefined>>,
  renamed: Partial<Record<keyof PostalAddress, string>>,
): PostalAddress =>
  Object.fromEntries(
    postalFields.map((field) => [field, blankToNull(address[renamed[field] ?? field])]),
  ) as PostalAddress;
