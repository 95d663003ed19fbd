/**
 * The canonical location record: where a store keeps and fulfils stock. Webhooks (REST-shaped
 * `locations/*`) and the sync (GraphQL) map into this one shape, so it holds only what both
 * carry: GraphQL's `deactivatedAt`, `fulfillsOnlineOrders` or `shipsInventory` have no REST
 * counterpart, and a field one path cannot fill would make the two disagree. This schema is its
 * only statement: the type, the read API's contract and the typed client follow it.
 */
import * as z from 'zod';
import { mirroredRecordSchema, type RecordFields } from '../kit/mirrored-record.js';
import { nullableTextSchema, timestampSchema } from '../kit/record-schema.js';

export const locationRecordSchema = mirroredRecordSchema
  .extend({
    name: z.string(),
    isActive: z.boolean().meta({
      description: 'False once the merchant deactivated it (`locations/deactivate`); the record stays ACTIVE',
    }),
    address1: nullableTextSchema,
    address2: nullableTextSchema,
    city: nullableTextSchema,
    zip: nullableTextSchema,
    province: nullableTextSchema,
    provinceCode: nullableTextSchema,
    country: nullableTextSchema.meta({ description: "The country's name" }),
    countryCode: nullableTextSchema,
    phone: nullableTextSchema,
    createdAt: timestampSchema,
  })
  .describe('A mirrored location; a deleted one keeps only its ids');

export type LocationRecord = z.infer<typeof locationRecordSchema>;
export type LocationSnapshot = RecordFields<LocationRecord>;
