/** Both ways into the canonical product snapshot: a GraphQL node (sync) and a REST payload (webhook). */
import * as z from 'zod';
import type { ProductPayload } from './payloads.js';
import { gidSchema, numericIdOfGid, timestampSchema } from '../../kit/shopify-fields.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { decimalAmount, type ProductSnapshot, type ProductVariant } from '../record.js';

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

const sortedTags = (tags: readonly string[]) =>
  tags
    .map((tag) => tag.trim())
    .filter(Boolean)
    .sort();

/** `node.variants` must hold every variant by now (the definition pages the rest in first). */
export const productSnapshotFromGraphql = (node: GraphqlProduct): ProductSnapshot => ({
  shopifyId: numericIdOfGid(node.id),
  title: node.title,
  handle: node.handle,
  vendor: blankToNull(node.vendor),
  productType: blankToNull(node.productType),
  status: node.status,
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
});

export const productSnapshotFromWebhook = (payload: ProductPayload): ProductSnapshot => ({
  shopifyId: payload.id,
  title: payload.title,
  handle: payload.handle,
  vendor: blankToNull(payload.vendor),
  productType: blankToNull(payload.product_type),
  status: payload.status.toUpperCase(),
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
});
