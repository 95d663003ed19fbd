/**
 * Collections of a simulated shop: a hand-picked list of products (a former custom collection) or
 * every product with a tag (a former smart one, evaluated against the shop's products at read
 * time, so a product's tag change moves it in or out with no collection webhook, as in Shopify).
 * GraphQL views (members as a nested connection sorted by id, priced by the schema's cost rules)
 * and REST-shaped collections/* webhook bodies.
 */
import { z } from 'zod';
import type { Keyed } from '../connection.js';
import { JsonInteger, toJsonText } from '../json-text.js';
import type { SeededRandom } from '../random.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';
import * as kit from './kit.js';
import type { SimProduct, SimProducts } from './products.js';
import type { Args, ResourceSetup, ShopContext, SimulatedResource, View } from './resource.js';
import { controlRecords, SimRecordNotFoundError, withIsoTimes } from './resource.js';

const sortOrders = ['MANUAL', 'BEST_SELLING', 'ALPHA_ASC', 'CREATED_DESC'] as const;

/** Who is in it: chosen products, or every product tagged `tag`. */
export type SimMembers =
  | { readonly kind: 'manual'; readonly productIds: readonly string[] }
  | { readonly kind: 'tag'; readonly tag: string };

export interface SimCollection {
  readonly id: string;
  readonly title: string;
  readonly handle: string;
  readonly sortOrder: (typeof sortOrders)[number];
  readonly members: SimMembers;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const collectionInputSchema = z.strictObject({
  title: z.string().min(1).optional(),
  sortOrder: z.enum(sortOrders).optional(),
  /** Hand-picked products (numeric ids or gids). */
  productIds: z.array(z.string()).optional(),
  /** Every product with this tag, instead of `productIds`. */
  tag: z.string().min(1).optional(),
});
export type CollectionInput = z.input<typeof collectionInputSchema>;

export class CollectionNotFoundError extends SimRecordNotFoundError {
  override readonly name = 'CollectionNotFoundError';
  constructor(id: string) {
    super(`No collection ${id} in this shop`);
  }
}

/** REST's spelling of a sort order and of a rule: lower case, dashed. */
const restSortOrder = (order: SimCollection['sortOrder']) => order.toLowerCase().replaceAll('_', '-');

export function collectionPayload(collection: SimCollection, shop: { ianaTimezone: string }): string {
  const at = (ms: number) => restDateTime(ms, shop.ianaTimezone);
  const { members } = collection;
  return toJsonText({
    id: new JsonInteger(collection.id),
    handle: collection.handle,
    title: collection.title,
    updated_at: at(collection.updatedAt),
    body_html: null,
    published_at: at(collection.createdAt),
    sort_order: restSortOrder(collection.sortOrder),
    template_suffix: null,
    published_scope: 'web',
    admin_graphql_api_id: `gid://shopify/Collection/${collection.id}`,
    ...(members.kind === 'tag' && {
      disjunctive: false,
      rules: [{ column: 'tag', relation: 'equals', condition: members.tag }],
    }),
  });
}

export const collectionDeletePayload = (collection: SimCollection): string =>
  toJsonText({ id: new JsonInteger(collection.id) });

/** Collections of one shop: seeded, CRUD with `collections/*` webhooks, GraphQL fields. */
export class SimCollections implements SimulatedResource {
  private readonly collectionMap = new Map<string, SimCollection>();
  private readonly shop: ShopContext;
  private readonly random: SeededRandom;
  private nextCollectionId: bigint;
  readonly topicScopes = { COLLECTIONS_: 'read_products' };
  readonly controlRecords = [
    controlRecords({
      path: 'collections',
      input: collectionInputSchema,
      json: (collection: SimCollection) => ({
        ...withIsoTimes(collection),
        productIds: this.memberIds(collection),
      }),
      records: this,
    }),
  ];

  /**
   * `seedCollections` at start, alternating hand-picked (a random third of the products) and
   * tagged (`summer`, which products are seeded with).
   */
  constructor(
    { shop, random, idBlock }: ResourceSetup,
    private readonly products: SimProducts,
    seedCollections = 0,
  ) {
    this.shop = shop;
    this.random = random;
    this.nextCollectionId = kit.idBlockStart(470_000_000_000n, idBlock);
    const catalogue = products.list();
    for (let n = 0; n < seedCollections; n += 1) {
      const at = Math.floor(shop.now() / 1000) * 1000 - (seedCollections - n) * 60_000;
      const input: CollectionInput =
        n % 2 === 1
          ? { title: `Tagged summer ${n + 1}`, tag: 'summer' }
          : {
              title: `Picked ${n + 1}`,
              productIds: catalogue.filter(() => random.chance(0.35)).map((product) => product.id),
            };
      const collection = this.build(collectionInputSchema.parse(input), at);
      this.collectionMap.set(collection.id, collection);
      shop.noteUpdate(collection.updatedAt);
    }
  }

  /** The REST body Shopify sends for it (`collections/create|update`). */
  payload(collection: SimCollection): string {
    return collectionPayload(collection, this.shop);
  }

  list(): SimCollection[] {
    return [...this.collectionMap.values()].sort(kit.byId);
  }

  get(id: string): SimCollection | undefined {
    return this.collectionMap.get(kit.numericIdOf('Collection', id));
  }

  /** The products in it now, ascending by id (deleted products are gone from every collection). */
  members(collection: SimCollection): SimProduct[] {
    const { members } = collection;
    if (members.kind === 'tag')
      return this.products.list().filter((product) => product.tags.includes(members.tag));
    return [...new Set(members.productIds)]
      .map((id) => this.products.get(id))
      .filter((product): product is SimProduct => product !== undefined)
      .sort(kit.byId);
  }

  memberIds(collection: SimCollection): string[] {
    return this.members(collection).map((product) => product.id);
  }

  create(input: CollectionInput = {}): SimCollection {
    const collection = this.build(collectionInputSchema.parse(input), this.shop.stamp());
    this.collectionMap.set(collection.id, collection);
    this.shop.emit('COLLECTIONS_CREATE', collectionPayload(collection, this.shop));
    return collection;
  }

  /** An edit from the collection's page: its update time moves and `collections/update` is sent. */
  update(id: string, patch: CollectionInput): SimCollection {
    const existing = this.require(id);
    const updated = {
      ...this.patched(existing, collectionInputSchema.parse(patch)),
      updatedAt: this.shop.stamp(),
    };
    this.collectionMap.set(updated.id, updated);
    this.shop.emit('COLLECTIONS_UPDATE', collectionPayload(updated, this.shop));
    return updated;
  }

  /**
   * Products added to or removed from a hand-picked collection from the products' side (the
   * product page, a bulk edit): in Shopify that sends no collection webhook and leaves the
   * collection's update time where it was.
   */
  setMembersQuietly(id: string, productIds: readonly string[]): SimCollection {
    const existing = this.require(id);
    const updated: SimCollection = {
      ...existing,
      members: {
        kind: 'manual',
        productIds: productIds.map((product) => kit.numericIdOf('Product', product)),
      },
    };
    this.collectionMap.set(updated.id, updated);
    return updated;
  }

  delete(id: string): SimCollection {
    const existing = this.require(id);
    this.collectionMap.delete(existing.id);
    this.shop.emit('COLLECTIONS_DELETE', collectionDeletePayload(existing));
    return existing;
  }

  /** Removes a collection without its webhook (a delivery Shopify never made). */
  deleteQuietly(id: string): SimCollection {
    const existing = this.require(id);
    this.collectionMap.delete(existing.id);
    return existing;
  }

  rootFields(unbounded: boolean) {
    return kit.listedRootFields({
      shop: this.shop,
      unbounded,
      field: 'collections',
      oneField: 'collection',
      scope: 'read_products',
      records: () => this.list(),
      get: (id) => this.get(id),
      view: (collection) => this.view(collection),
      listView: (collection) => this.view(collection, unbounded),
    });
  }

  nodeById(id: string): View | null | undefined {
    if (!id.startsWith('gid://shopify/Collection/')) return undefined;
    kit.requireAccess(this.shop, 'collections', 'read_products');
    const collection = this.get(id);
    return collection ? this.view(collection) : null;
  }

  /** `unbounded`: a bulk operation's run, where the members connection returns every product. */
  private view(collection: SimCollection, unbounded = false) {
    return {
      __typename: 'Collection',
      id: `gid://shopify/Collection/${collection.id}`,
      legacyResourceId: collection.id,
      title: collection.title,
      handle: collection.handle,
      sortOrder: collection.sortOrder,
      updatedAt: graphqlDateTime(collection.updatedAt),
      productsCount: () => kit.countOf(this.members(collection).length, {}),
      products: (args: Args) => {
        const entries: Keyed<SimProduct>[] = this.members(collection).map((item) => ({
          item,
          key: kit.sortKeyOf(item, args['sortKey']),
        }));
        return kit.connectionOf(
          entries,
          args,
          (product) => ({ __typename: 'Product', id: `gid://shopify/Product/${product.id}` }),
          { maxObjects: this.shop.maxPaginatedObjects, behaviour: 'error' },
          unbounded,
        );
      },
    };
  }

  private require(id: string): SimCollection {
    const collection = this.get(id);
    if (!collection) throw new CollectionNotFoundError(id);
    return collection;
  }

  private patched(existing: SimCollection, input: z.output<typeof collectionInputSchema>): SimCollection {
    return {
      ...existing,
      ...(input.title !== undefined && { title: input.title }),
      ...(input.sortOrder !== undefined && { sortOrder: input.sortOrder }),
      ...(input.tag !== undefined && { members: { kind: 'tag', tag: input.tag } }),
      ...(input.productIds !== undefined && {
        members: { kind: 'manual', productIds: input.productIds.map((id) => kit.numericIdOf('Product', id)) },
      }),
    };
  }

  private build(input: z.output<typeof collectionInputSchema>, at: number): SimCollection {
    this.nextCollectionId += BigInt(this.random.int(1, 5000));
    const title = input.title ?? `Collection ${this.collectionMap.size + 1}`;
    return this.patched(
      {
        id: this.nextCollectionId.toString(),
        title,
        handle: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${this.nextCollectionId % 10_000n}`,
        sortOrder: input.sortOrder ?? 'BEST_SELLING',
        members: { kind: 'manual', productIds: [] },
        createdAt: at,
        updatedAt: at,
      },
      input,
    );
  }
}
