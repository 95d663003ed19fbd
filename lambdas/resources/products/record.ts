/**
 * The canonical product record, with its variants. Webhooks (REST-shaped `products/*`) and the
 * sync (GraphQL) map into this one shape. This schema is its only statement: the type, the read
 * API's contract and the typed client follow it. Prices are exact decimal strings in the shop's
 * currency (the Admin API gives variant prices without a currency code).
 */
import * as z from 'zod';
import { metafieldsFieldSchema } from '../kit/metafields.js';
import { decimalTextSchema } from '../kit/money.js';
import { mirroredRecordSchema, type RecordFields } from '../kit/mirrored-record.js';
import { nullableTextSchema, timestampSchema } from '../kit/record-schema.js';

export const productVariantSchema = z
  .looseObject({
    id: z.string(),
    title: z.string(),
    sku: nullableTextSchema,
    price: decimalTextSchema,
    compareAtPrice: decimalTextSchema.nullable(),
    inventoryQuantity: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Null when inventory is not tracked or not readable' }),
  })
  .meta({ id: 'ProductVariant' });
export type ProductVariant = z.infer<typeof productVariantSchema>;

export const productRecordSchema = mirroredRecordSchema
  .extend({
    title: z.string(),
    handle: z.string(),
    vendor: nullableTextSchema,
    productType: nullableTextSchema,
    /** `status` is the record's lifecycle (ACTIVE/INACTIVE/REDACTED), so Shopify's is `productStatus`. */
    productStatus: z.string().meta({
      description: "Shopify's status (ACTIVE, DRAFT, ARCHIVED); `status` is the record's lifecycle",
    }),
    tags: z.array(z.string()),
    options: z.array(z.looseObject({ name: z.string(), values: z.array(z.string()) })),
    variants: z.array(productVariantSchema),
    createdAt: timestampSchema,
    metafields: metafieldsFieldSchema,
  })
  .describe('A mirrored product with its variants; a deleted one keeps only its ids');

export type ProductRecord = z.infer<typeof productRecordSchema>;
export type ProductSnapshot = RecordFields<ProductRecord>;
