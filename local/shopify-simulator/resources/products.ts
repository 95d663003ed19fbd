/**
 * Products of a simulated shop: data, GraphQL views (variants as a nested connection, priced by
 * the schema's cost rules) and REST-shaped products/* webhook bodies. GraphQL answers prices
 * as `"12.5"`, REST as `"12.50"`, so the service's normalisation is exercised.
 */
import { z } from 'zod';
import type { Keyed } from '../connection.js';
import { JsonInteger, toJsonText } from '../json-text.js';
import type { SeededRandom } from '../random.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';
import * as kit from './kit.js';
import type { Args, ResourceSetup, ShopContext, SimulatedResource, View } from './resource.js';
import { controlRecords, SimRecordNotFoundError, withIsoTimes } from './resource.js';

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

const variantView = (variant: SimVariant) => ({
  __typename: 'ProductVariant',
  id: `gid://shopify/ProductVariant/${variant.id}`,
  title: variant.title,
  sku: variant.sku,
  price: kit.decimal(variant.priceCents),
  compareAtPrice: variant.compareAtCents === null ? null : kit.decimal(variant.compareAtCents),
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
  variants: (args: Args) => {
    const entries: Keyed<SimVariant>[] = product.variants.map((variant, position) => ({
      item: variant,
      key: { value: BigInt(position), id: BigInt(variant.id) },
    }));
    return kit.connectionOf(entries, args, variantView, { maxObjects, behaviour: 'error' }, unbounded);
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
      price: kit.restAmount(variant.priceCents),
      compare_at_price: variant.compareAtCents === null ? null : kit.restAmount(variant.compareAtCents),
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

export class ProductNotFoundError extends SimRecordNotFoundError {
  override readonly name = 'ProductNotFoundError';
  constructor(id: string) {
    super(`No product ${id} in this shop`);
  }
}

/** Products of one shop: seeded, CRUD with `products/*` webhooks, GraphQL fields. */
export class SimProducts implements SimulatedResource {
  private readonly productMap = new Map<string, SimProduct>();
  private readonly shop: ShopContext;
  private readonly random: SeededRandom;
  private nextProductId: bigint;
  private nextVariantId: bigint;
  readonly topicScopes = { PRODUCTS_: 'read_products' };
  readonly controlRecords = [
    controlRecords({
      path: 'products',
      input: productInputSchema,
      json: (product: SimProduct) => withIsoTimes(product),
      records: this,
    }),
  ];

  /** `seedProducts` at start; the first has more variants than one page holds. */
  constructor({ shop, random, idBlock }: ResourceSetup, seedProducts = 0) {
    this.shop = shop;
    this.random = random;
    this.nextProductId = kit.idBlockStart(8_100_000_000_000n, idBlock);
    this.nextVariantId = kit.idBlockStart(45_000_000_000_000n, idBlock);
    for (let n = 0; n < seedProducts; n += 1) {
      const at = Math.floor(shop.now() / 1000) * 1000 - (seedProducts - n) * 30_000;
      const product = this.build({ variants: n === 0 ? 35 : random.int(1, 4) }, at);
      this.productMap.set(product.id, product);
      shop.noteUpdate(product.updatedAt);
    }
  }

  list(): SimProduct[] {
    return [...this.productMap.values()].sort(kit.byId);
  }

  get(id: string): SimProduct | undefined {
    return this.productMap.get(kit.numericIdOf('Product', id));
  }

  create(input: ProductInput = {}): SimProduct {
    const product = this.build(productInputSchema.parse(input), this.shop.stamp());
    this.productMap.set(product.id, product);
    this.shop.emit('PRODUCTS_CREATE', productPayload(product, this.shop));
    return product;
  }

  update(id: string, patch: ProductInput): SimProduct {
    const existing = this.require(id);
    const parsed = productInputSchema.parse(patch);
    const updated: SimProduct = {
      ...existing,
      ...(parsed.title !== undefined && { title: parsed.title }),
      ...(parsed.status !== undefined && { status: parsed.status }),
      ...(parsed.tags !== undefined && { tags: parsed.tags }),
      updatedAt: this.shop.stamp(),
    };
    this.productMap.set(updated.id, updated);
    this.shop.emit('PRODUCTS_UPDATE', productPayload(updated, this.shop));
    return updated;
  }

  delete(id: string): SimProduct {
    const existing = this.require(id);
    this.productMap.delete(existing.id);
    this.shop.emit('PRODUCTS_DELETE', productDeletePayload(existing));
    return existing;
  }

  rootFields(unbounded: boolean) {
    return kit.listedRootFields({
      shop: this.shop,
      unbounded,
      field: 'products',
      oneField: 'product',
      records: () => this.list(),
      get: (id) => this.get(id),
      view: (product) => productView(product, this.shop.maxPaginatedObjects),
      listView: (product) => productView(product, this.shop.maxPaginatedObjects, unbounded),
    });
  }

  nodeById(id: string): View | null | undefined {
    if (!id.startsWith('gid://shopify/Product/')) return undefined;
    kit.requireAccess(this.shop, 'products');
    const product = this.get(id);
    return product ? productView(product, this.shop.maxPaginatedObjects) : null;
  }

  private require(id: string): SimProduct {
    const product = this.get(id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  private build(input: z.output<typeof productInputSchema>, at: number): SimProduct {
    const random = this.random;
    this.nextProductId += BigInt(random.int(1, 5000));
    const variants = makeVariants(input.variants ?? random.int(1, 4), random, () => {
      this.nextVariantId += 1n;
      return this.nextVariantId.toString();
    });
    const title = input.title ?? `Product ${this.productMap.size + 1}`;
    return {
      id: this.nextProductId.toString(),
      title,
      handle: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${this.nextProductId % 10_000n}`,
      vendor: 'Acme',
      productType: random.pick(['Shirts', 'Shoes', 'Hats']),
      status: input.status ?? 'ACTIVE',
      tags: input.tags ?? (random.chance(0.4) ? ['summer'] : []),
      sizes: variants.map((variant) => variant.title),
      variants,
      createdAt: at,
      updatedAt: at,
    };
  }
}
