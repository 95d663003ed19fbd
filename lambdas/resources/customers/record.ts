/**
 * The canonical customer record. Webhooks (REST-shaped payloads) and the sync (GraphQL nodes)
 * both map into this one shape, so the same customer always yields the identical item. This
 * schema is its only statement: the type, the read API's contract and the typed client follow it.
 *
 * Only fields present in both the 2026-10 webhook payload and the non-deprecated 2026-10
 * GraphQL `Customer` type are kept. `currency` is in the webhook but not on `Customer`, so it
 * is left out rather than filled by one path only.
 */
import * as z from 'zod';
import { metafieldsFieldSchema } from '../kit/metafields.js';
import { mirroredRecordSchema, type RecordFields, type StoredRecord } from '../kit/mirrored-record.js';
import { nullableTextSchema, postalAddressShape, timestampSchema } from '../kit/record-schema.js';

export const customerStates = ['ENABLED', 'DISABLED', 'INVITED', 'DECLINED'] as const;
export type CustomerState = (typeof customerStates)[number];

/** A customer's address keeps its own id besides the postal fields every address has. */
export const customerAddressSchema = z
  .looseObject({ id: nullableTextSchema, ...postalAddressShape })
  .meta({ id: 'CustomerAddress' });
export type CustomerAddress = z.infer<typeof customerAddressSchema>;

export const customerRecordSchema = mirroredRecordSchema
  .extend({
    firstName: nullableTextSchema,
    lastName: nullableTextSchema,
    email: nullableTextSchema,
    phone: nullableTextSchema,
    state: z.enum(customerStates),
    verifiedEmail: z.boolean(),
    taxExempt: z.boolean(),
    taxExemptions: z.array(z.string()),
    note: nullableTextSchema,
    defaultAddress: customerAddressSchema.nullable(),
    createdAt: timestampSchema,
    metafields: metafieldsFieldSchema,
  })
  .describe('A mirrored customer; a deleted or redacted one keeps only its ids');

export type CustomerRecord = z.infer<typeof customerRecordSchema>;
/** What Shopify says about a customer, whichever API it came through. */
export type CustomerSnapshot = RecordFields<CustomerRecord>;
export type StoredCustomer = StoredRecord<CustomerRecord>;
