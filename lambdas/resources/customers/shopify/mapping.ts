/**
 * Both ways into the customer record: a `customersPageQuery` node (the sync) and a
 * `customers/create|update` payload (webhooks, REST-shaped, 2026-10). Normalisation is
 * deliberately conservative so the two agree exactly: blank strings are null, ids are decimal
 * strings, timestamps are UTC with milliseconds, and enums are upper-case like GraphQL's.
 */
import * as z from 'zod';
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import {
  addressFromGraphql,
  addressFromRest,
  gidSchema,
  graphqlAddressShape,
  numericIdOfGid,
  optionalText,
  timestampSchema,
} from '../../kit/shopify-fields.js';
import { type CustomerAddress, type CustomerRecord, type CustomerState, customerStates } from '../record.js';
import type { CustomerPayload, WebhookAddress } from './payloads.js';

export const gidType = 'Customer';

export const graphqlMailingAddressSchema = z.object({ id: gidSchema, ...graphqlAddressShape });

/** One node of `customersPageQuery`. */
export const graphqlCustomerSchema = z.object({
  id: gidSchema,
  firstName: optionalText,
  lastName: optionalText,
  defaultEmailAddress: z.object({ emailAddress: optionalText }).nullish(),
  defaultPhoneNumber: z.object({ phoneNumber: optionalText }).nullish(),
  state: z.enum(customerStates),
  verifiedEmail: z.boolean(),
  taxExempt: z.boolean(),
  taxExemptions: z.array(z.string()),
  note: optionalText,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  defaultAddress: graphqlMailingAddressSchema.nullish(),
});

export type GraphqlCustomer = z.infer<typeof graphqlCustomerSchema>;

export const fromGraphql = (node: GraphqlCustomer, owner: RecordOwner): CustomerRecord =>
  toRecord<CustomerRecord>(
    gidType,
    {
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
      defaultAddress: node.defaultAddress
        ? { id: numericIdOfGid(node.defaultAddress.id), ...addressFromGraphql(node.defaultAddress) }
        : null,
      createdAt: toUtcIso(node.createdAt),
      shopifyUpdatedAt: toUtcIso(node.updatedAt),
    },
    owner,
  );

const addressFromWebhook = (address: WebhookAddress): CustomerAddress => ({
  id: blankToNull(address.id),
  ...addressFromRest(address),
});

export const fromWebhook = (payload: CustomerPayload, owner: RecordOwner): CustomerRecord =>
  toRecord<CustomerRecord>(
    gidType,
    {
      shopifyId: payload.id,
      firstName: blankToNull(payload.first_name),
      lastName: blankToNull(payload.last_name),
      email: blankToNull(payload.email),
      phone: blankToNull(payload.phone),
      state: payload.state.toUpperCase() as CustomerState,
      verifiedEmail: payload.verified_email ?? false,
      taxExempt: payload.tax_exempt ?? false,
      taxExemptions: payload.tax_exemptions ?? [],
      note: blankToNull(payload.note),
      defaultAddress: payload.default_address ? addressFromWebhook(payload.default_address) : null,
      createdAt: toUtcIso(payload.created_at),
      shopifyUpdatedAt: toUtcIso(payload.updated_at),
    },
    owner,
  );
