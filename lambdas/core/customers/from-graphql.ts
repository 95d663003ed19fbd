import * as z from 'zod';
import {
  blankToNull,
  type CustomerAddress,
  type CustomerSnapshot,
  customerStates,
  toUtcIso,
} from './customer-record.js';

/** `gid://shopify/MailingAddress/123?model_name=CustomerAddress` → `'123'`; never through a JS number. */
export const numericIdOfGid = (gid: string): string => {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match?.[1]) throw new RangeError(`Not a Shopify global id: ${gid}`);
  return match[1];
};

const gid = z.string().regex(/^gid:\/\/shopify\/[A-Za-z]+\/\d+(?:\?.*)?$/, 'Shopify global id');
const text = z.string().nullish();
const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'ISO-8601 timestamp');

export const graphqlMailingAddressSchema = z.object({
  id: gid,
  firstName: text,
  lastName: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  provinceCode: text,
  country: text,
  countryCodeV2: text,
  zip: text,
  phone: text,
});

/** One node of `customersPageQuery`. */
export const graphqlCustomerSchema = z.object({
  id: gid,
  firstName: text,
  lastName: text,
  defaultEmailAddress: z.object({ emailAddress: text }).nullish(),
  defaultPhoneNumber: z.object({ phoneNumber: text }).nullish(),
  state: z.enum(customerStates),
  verifiedEmail: z.boolean(),
  taxExempt: z.boolean(),
  taxExemptions: z.array(z.string()),
  note: text,
  createdAt: timestamp,
  updatedAt: timestamp,
  defaultAddress: graphqlMailingAddressSchema.nullish(),
});

export type GraphqlCustomer = z.infer<typeof graphqlCustomerSchema>;

const toAddress = (address: z.infer<typeof graphqlMailingAddressSchema>): CustomerAddress => ({
  id: numericIdOfGid(address.id),
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

export const snapshotFromGraphql = (node: GraphqlCustomer): CustomerSnapshot => ({
  shopifyId: numericIdOfGid(node.id),
  firstName: blankToNull(node.firstName),
  lastName: blankToNull(node.lastName),
  email: blankToNull(node.defaultEmailAddress?.emailAddress),
  phone: blankToNull(node.defaultPhoneNumber?.phoneNumber),
  state: node.state,
  verifiedEmail: node.verifiedEmail,
  taxExempt: node.taxExempt,
  taxExemptions: [...node.taxExemptions],
  note: blankToNull(node.note),
  defaultAddress: node.defaultAddress ? toAddress(node.defaultAddress) : null,
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});
