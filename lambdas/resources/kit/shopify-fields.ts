/**
 * What the resources' mappings share: the GraphQL scalars as Shopify sends them (global ids,
 * nullable text, ISO timestamps) and the postal address, which a customer's default address and
 * an order's shipping and billing addresses carry with the same fields, from GraphQL (sync) or
 * REST (webhooks). One place, so the two paths and the resources normalise them alike.
 */
import * as z from 'zod';
import { blankToNull } from './normalize.js';

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

/** A postal address as the mirror stores it: blank is null, the country as its code. */
export interface PostalAddress {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly name: string | null;
  readonly company: string | null;
  readonly address1: string | null;
  readonly address2: string | null;
  readonly city: string | null;
  readonly province: string | null;
  readonly provinceCode: string | null;
  readonly country: string | null;
  readonly countryCode: string | null;
  readonly zip: string | null;
  readonly phone: string | null;
}

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

export const addressFromGraphql = (address: GraphqlAddress): PostalAddress => ({
  firstName: blankToNull(address.firstName),
  lastName: blankToNull(address.lastName),
  name: blankToNull(address.name),
  company: blankToNull(address.company),
  address1: blankToNull(address.address1),
  address2: blankToNull(address.address2),
  city: blankToNull(address.city),
  province: blankToNull(address.province),
  provinceCode: blankToNull(address.provinceCode),
  country: blankToNull(address.country),
  countryCode: blankToNull(address.countryCodeV2),
  zip: blankToNull(address.zip),
  phone: blankToNull(address.phone),
});

/** The REST address fields of customers/* and orders/* payloads. */
export interface RestAddress {
  readonly first_name?: string | null | undefined;
  readonly last_name?: string | null | undefined;
  readonly name?: string | null | undefined;
  readonly company?: string | null | undefined;
  readonly address1?: string | null | undefined;
  readonly address2?: string | null | undefined;
  readonly city?: string | null | undefined;
  readonly province?: string | null | undefined;
  readonly province_code?: string | null | undefined;
  readonly country?: string | null | undefined;
  readonly country_code?: string | null | undefined;
  readonly zip?: string | null | undefined;
  readonly phone?: string | null | undefined;
}

export const addressFromRest = (address: RestAddress): PostalAddress => ({
  firstName: blankToNull(address.first_name),
  lastName: blankToNull(address.last_name),
  name: blankToNull(address.name),
  company: blankToNull(address.company),
  address1: blankToNull(address.address1),
  address2: blankToNull(address.address2),
  city: blankToNull(address.city),
  province: blankToNull(address.province),
  provinceCode: blankToNull(address.province_code),
  country: blankToNull(address.country),
  countryCode: blankToNull(address.country_code),
  zip: blankToNull(address.zip),
  phone: blankToNull(address.phone),
});
