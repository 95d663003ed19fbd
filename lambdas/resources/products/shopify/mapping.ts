/** Both ways into the product record: a GraphQL node (sync) and a REST payload (webhook). */
import * as z from 'zod';
import type { ProductPayload } from './payloads.js';
import { gidSchema, numericIdOfGid, timestampSchema } from '../../kit/shopify-fields.js';
import { decimalAmount } from '../../kit/money.js';
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { sortedTags } from '../../kit/record-schema.js';
import type { ProductRecord, ProductVariant } from '../record.js';

export const gidType = 'Product';

const gid = gidSchema;
const timestamp = timestampSchema;

export const graphqlVariantSchema = z.object({
  id: gid,
  title: z.string(),
  sku: z.string().nullish(),
  price: z.string(),
  compareAtPrice: z.string().nullish(),
  inventoryQuantity: z.number().int().nullish(),
});

export const variantConnectionSchema = z.object({
  nodes: z.array(graphqlVariantSchema),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

export const graphqlProductSchema = z.object({
  id: gid,
  title: z.string(),
  handle: z.string(),
  vendor: z.string().nullish(),
  productType: z.string().nullish(),
  status: z.string(),
  tags: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
  options: z.array(z.object({ name: z.string(), optionValues: z.array(z.object({ name: z.string() })) })),
  variants: variantConnectionSchema,
});

export type GraphqlProduct = z.infer<typeof graphqlProductSchema>;
export type GraphqlVariant = z.infer<typeof graphqlVariantSchema>;

/** `node.variants` must hold every variant by now (the definition pages the rest in first). */
export const fromGraphql = (node: GraphqlProduct, owner: RecordOwner): ProductRecord =>
  toRecord<ProductRecord>(
    gidType,
    {
      shopifyId: numericIdOfGid(node.id),
      title: node.title,
      handle: node.handle,
      vendor: blankToNull(node.vendor),
      productType: blankToNull(node.productType),
      productStatus: node.status,
      tags: sortedTags(node.tags),
      options: node.options.map((option) => ({
        name: option.name,
        values: option.optionValues.map((value) => value.name),
      })),
      variants: node.variants.nodes.map((variant): ProductVariant => ({
        id: numericIdOfGid(variant.id),
        title: variant.title,
        sku: blankToNull(variant.sku),
        price: decimalAmount(variant.price),
        compareAtPrice: variant.compareAtPrice ? decimalAmount(variant.compareAtPrice) : null,
        inventoryQuantity: variant.inventoryQuantity ?? null,
      })),
      createdAt: toUtcIso(node.createdAt),
      shopifyUpdatedAt: toUtcIso(node.updatedAt),
    },
    owner,
  );

export const fromWebhook = (payload: ProductPayload, owner: RecordOwner): ProductRecord =>
  toRecord<ProductRecord>(
    gidType,
    {
      shopifyId: payload.id,
      title: payload.title,
      handle: payload.handle,
      vendor: blankToNull(payload.vendor),
      productType: blankToNull(payload.product_type),
      productStatus: payload.status.toUpperCase(),
      tags: sortedTags((payload.tags ?? '').split(',')),
      options: (payload.options ?? []).map((option) => ({ name: option.name, values: [...option.values] })),
      variants: payload.variants.map((variant) => ({
        id: variant.id,
        title: variant.title,
        sku: blankToNull(variant.sku),
        price: decimalAmount(variant.price),
        compareAtPrice: variant.compare_at_price ? decimalAmount(variant.compare_at_price) : null,
        inventoryQuantity: variant.inventory_quantity ?? null,
      })),
      createdAt: toUtcIso(payload.created_at),
      shopifyUpdatedAt: toUtcIso(payload.updated_at),
    },
    owner,
  );
