/**
 * The canonical collection with the ids of the products in it. Since 2026-07 Shopify has one
 * collection model (a collection is made of sources: typed conditions, manual selections, other
 * collections) instead of custom and smart collections, so a former custom collection and a
 * former smart one are the same record here; the sources themselves are not mirrored (yet), their
 * outcome, the members, is. Webhooks
 * (REST-shaped `collections/*`) and the sync (GraphQL) map into this one shape; this schema is
 * its only statement (the type, the read API's contract and the typed client follow it).
 *
 * Membership. `productIds` lives in the collection's own item: docs/resources.md#collections has
 * the measurement (bytes and write units per member, the 400 KB item limit) that decided it. A
 * collection with more members than one item holds keeps `productIds: null` and its exact
 * `productsCount`. The `collections/*` webhooks carry no membership, so only the sync writes
 * `productIds` and `productsCount` (a webhook's record leaves them out and the store
 * sets only the fields a record has); every sync re-reads every collection's members, because a
 * smart collection's membership moves with its products and no collection webhook says so.
 */
import * as z from 'zod';
import { mirroredRecordSchema, type RecordFields } from '../kit/mirrored-record.js';
import { nullableTextSchema } from '../kit/record-schema.js';

/**
 * The most product ids one collection item holds. Measured on DynamoDB Local (docs/resources.md):
 * a 13-digit id costs 14 bytes in a list, so 25,000 ids are about 350 KB, below the 400 KB item
 * limit with room for the collection's other fields.
 */
export const MAX_MEMBERS_IN_ITEM = 25_000;

export const collectionRecordSchema = mirroredRecordSchema
  .extend({
    title: z.string(),
    handle: z.string(),
    sortOrder: nullableTextSchema.meta({
      description:
        "How the storefront orders its products (Shopify's CollectionSortOrder: MANUAL, BEST_SELLING, ...)",
    }),
    productIds: z
      .array(z.string())
      .nullable()
      .optional()
      .meta({
        description: `Ids of the products in it, ascending; null when it has more than ${MAX_MEMBERS_IN_ITEM} (see productsCount). Written by the sync only`,
      }),
    productsCount: z
      .number()
      .int()
      .optional()
      .meta({ description: 'How many products it holds, as of the last sync; written by the sync only' }),
  })
  .describe('A mirrored collection with the ids of its products; a deleted one keeps only its ids');

export type CollectionRecord = z.infer<typeof collectionRecordSchema>;
export type CollectionSnapshot = RecordFields<CollectionRecord>;
