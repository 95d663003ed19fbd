/**
 * Products of a simulated shop: data, GraphQL views (variants as a nested connection, priced by
 * the schema's cost rules) and REST-shaped products/* webhook bodies. GraphQL answers prices
 * as `"12.5"`, REST as `"12.50"`, so the service's normalisation is exercised.
 */
import { z } from 'zod';
import { type Keyed, type PageArgs, paginate } from './connection.js';
import { JsonInteger, toJsonText } from './json-text.js';
import type { SeededRandom } from './random.js';
import { graphqlDateTime, restDateTime } from './time-format.js';

export interface SimVariant {
  readonly id: string;
  readonly title: string;
  readonly sku: string | null;
  readonly priceCents: number;
  readonly compareAtCents: number | null;
  readonly inventory: number;
}

export interface SimProduct {
  readonly id: string;
  readonly title: string;
  readonly handle: string;
  readonly vendor: string;
  readonly productType: string;
  readonly status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  readonly tags: readonly string[];
  readonly sizes: readonly string[];
  readonly variants: readonly SimVariant[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const productInputSchema = z.strictObject({
  title: z.string().min(1).optional(),
  status: z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED']).optional(),
  variants: z.number().int().min(1).max(2048).optional(),
  tags: z.array(z.string()).optional(),
});
export type ProductInput = z.input<typeof productInputSchema>;

const decimal = (cents: number) => {
  const text = (cents / 100).toFixed(2).replace(/0$/, '');
  return text.endsWith('.') ? `${text}0` : text;
};
const restAmount = (cents: number) => (cents / 100).toFixed(2);

const variantView = (variant: SimVariant) => ({
  __typename: 'ProductVariant',
  id: `gid://shopify/ProductVariant/${variant.id}`,
  title: variant.title,
  sku: variant.sku,
  price: decimal(variant.priceCents),
  compareAtPrice: variant.compareAtCents === null ? null : decimal(variant.compareAtCents),
  inventoryQuantity: variant.inventory,
});

/** `unbounded`: a bulk operation's run, where nested connections return every item. */
export const productView = (product: SimProduct, maxObjects: number, unbounded = false) => ({
  __typename: 'Product',
  id: `gid://shopify/Product/${product.id}`,
  legacyResourceId: product.id,
  title: product.title,
  handle: product.handle,
  vendor: product.vendor,
  productType: product.productType,
  status: product.status,
  tags: [...product.tags].sort(),
  createdAt: graphqlDateTime(product.createdAt),
  updatedAt: graphqlDateTime(product.updatedAt),
  options: () => [
    { name: 'Size', optionValues: product.sizes.map((name) => ({ name })), values: [...product.sizes] },
  ],
  variants: (args: PageArgs) => {
    const entries: Keyed<SimVariant>[] = product.variants.map((variant, position) => ({
      item: variant,
      key: { value: BigInt(position), id: BigInt(variant.id) },
    }));
    const page = paginate(entries, args, { maxObjects, behaviour: 'error' }, { unbounded });
    return {
      nodes: page.nodes.map(variantView),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: variantView(edge.node) })),
      pageInfo: page.pageInfo,
    };
  },
});

export function productPayload(product: SimProduct, shop: { ianaTimezone: string }): string {
  const at = (ms: number) => restDateTime(ms, shop.ianaTimezone);
  return toJsonText({
    id: new JsonInteger(product.id),
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    title: product.title,
    body_html: null,
    handle: product.handle,
    vendor: product.vendor,
    product_type: product.productType,
    status: product.status.toLowerCase(),
    tags: [...product.tags].sort().join(', '),
    options: [{ name: 'Size', position: 1, values: [...product.sizes] }],
    variants: product.variants.map((variant, position) => ({
      id: new JsonInteger(variant.id),
      product_id: new JsonInteger(product.id),
      admin_graphql_api_id: `gid://shopify/ProductVariant/${variant.id}`,
      title: variant.title,
      sku: variant.sku ?? '',
      price: restAmount(variant.priceCents),
      compare_at_price: variant.compareAtCents === null ? null : restAmount(variant.compareAtCents),
      inventory_quantity: variant.inventory,
      position: position + 1,
      option1: variant.title,
    })),
    created_at: at(product.createdAt),
    updated_at: at(product.updatedAt),
  });
}

export const productDeletePayload = (product: SimProduct): string =>
  toJsonText({ id: new JsonInteger(product.id) });

export const makeVariants = (count: number, random: SeededRandom, nextId: () => string): SimVariant[] =>
  Array.from({ length: count }, (_, i) => {
    const priceCents = random.int(500, 50_000);
    return {
      id: nextId(),
      title: `Size ${i + 1}`,
      sku: random.chance(0.9) ? `SKU-${random.int(10_000, 99_999)}` : null,
      priceCents,
      compareAtCents: random.chance(0.3) ? priceCents + random.int(100, 5000) : null,
      inventory: random.int(0, 500),
    };
  });
