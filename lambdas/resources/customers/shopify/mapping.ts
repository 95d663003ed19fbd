import * as z from 'zod';
import {
  blankToNull,
  type CustomerAddress,
  type CustomerSnapshot,
  customerStates,
  toUtcIso,
} from '../record.js';
import {
  addressFromGraphql,
  gidSchema,
  graphqlAddressShape,
  numericIdOfGid,
  optionalText,
  timestampSchema,
} from '../../kit/shopify-fields.js';

// Re-exported: the customer mapping was its first home.
export { numericIdOfGid };

const gid = gidSchema;
const text = optionalText;
const timestamp = timestampSchema;

export const graphqlMailingAddressSchema = z.object({ id: gid, ...graphqlAddressShape });

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
  ...addressFromGraphql(address),
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
