/**
 * Metafields of a simulated shop's customers, orders and products: the `metafields` connection of
 * every owner (with `namespace` and `keys`, priced like any connection, in bulk too), the
 * mutations `metafieldsSet` and `metafieldsDelete`, and the `metafields` a webhook body carries
 * for its subscription's `metafieldNamespaces`. As in Shopify, setting or deleting an owner's
 * metafields bumps the owner's `updatedAt` and sends its update topic (`products/update`, …).
 */
import { GraphQLError } from 'graphql';
import { type Keyed } from '../connection.js';
import { type JsonText } from '../json-text.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';
import { connectionOf, idBlockStart } from './kit.js';
import type { Args, ResourceSetup, ShopContext, SimulatedResource, View } from './resource.js';

/** The Admin API's mutations of metafields, as an app (and the tests, and chaos) calls them. */
export const metafieldsSetMutation = /* GraphQL */ `
  mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        namespace
        key
        updatedAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const metafieldsDeleteMutation = /* GraphQL */ `
  mutation MetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
    metafieldsDelete(metafields: $metafields) {
      deletedMetafields {
        ownerId
        namespace
        key
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface SimMetafield {
  readonly id: string;
  readonly ownerGid: string;
  readonly namespace: string;
  readonly key: string;
  readonly type: string;
  readonly value: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** An owner kind as the metafields see it: its records, and the update that bumps and notifies. */
export interface MetafieldOwnerKind {
  exists(id: string): boolean;
  /** Bumps the owner's `updatedAt` and sends its update webhook (an update with no field changed). */
  touch(id: string): void;
}

/** `metafieldsSet` takes at most 25 metafields a call (Shopify's limit). */
const MAX_SET = 25;

const ownerTypes: Readonly<Record<string, string>> = {
  Customer: 'CUSTOMER',
  Order: 'ORDER',
  Product: 'PRODUCT',
};

const ownerOf = (ownerGid: string) => /^gid:\/\/shopify\/(Customer|Order|Product)\/(\d+)$/.exec(ownerGid);

/** Shopify's value rules for the types the simulator checks; others are taken as text. */
const invalidValue = (type: string, value: string): string | undefined => {
  const isJson = (text: string) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  if (type === 'number_integer' && !/^-?\d+$/.test(value)) return 'Value must be an integer.';
  if (type === 'number_decimal' && !/^-?\d+(\.\d+)?$/.test(value)) return 'Value must be a decimal.';
  if (type === 'boolean' && value !== 'true' && value !== 'false') return 'Value must be true or false.';
  if ((type === 'json' || type === 'money') && !isJson(value)) return 'Value must be valid JSON.';
  if (type.startsWith('list.') && !(isJson(value) && Array.isArray(JSON.parse(value))))
    return 'Value must be a JSON array.';
  return undefined;
};

const metafieldView = (metafield: SimMetafield): View => ({
  __typename: 'Metafield',
  id: `gid://shopify/Metafield/${metafield.id}`,
  legacyResourceId: metafield.id,
  namespace: metafield.namespace,
  key: metafield.key,
  type: metafield.type,
  value: metafield.value,
  jsonValue: () => JSON.parse(JSON.stringify(metafield.value)) as unknown,
  ownerType: ownerTypes[ownerOf(metafield.ownerGid)?.[1] ?? ''] ?? null,
  compareDigest: `${metafield.id}-${metafield.updatedAt}`,
  sizeInBytes: Buffer.byteLength(metafield.value),
  createdAt: graphqlDateTime(metafield.createdAt),
  updatedAt: graphqlDateTime(metafield.updatedAt),
});

/** What a demo or test shop seeds on its first owners of each kind, one of each common type. */
const seededValues = (n: number): readonly { key: string; type: string; value: string }[] => [
  { key: 'note', type: 'single_line_text_field', value: `Seeded note ${n + 1}` },
  { key: 'rank', type: 'number_integer', value: String(10 * (n + 1)) },
  { key: 'ratio', type: 'number_decimal', value: `${n}.125` },
  { key: 'featured', type: 'boolean', value: n % 2 === 0 ? 'true' : 'false' },
  { key: 'details', type: 'json', value: JSON.stringify({ level: n + 1, tags: ['a', 'b'] }) },
  { key: 'sizes', type: 'list.single_line_text_field', value: JSON.stringify(['S', 'M']) },
];

export class SimMetafields implements SimulatedResource {
  private readonly byOwner = new Map<string, Map<string, SimMetafield>>();
  private readonly shop: ShopContext;
  private nextId: bigint;
  // Read by the owners' read scopes: no topic and no control route of their own.
  readonly topicScopes = {};
  readonly controlRecords = [];

  constructor(
    { shop, idBlock }: ResourceSetup,
    private readonly owners: Readonly<Record<string, MetafieldOwnerKind>>,
    seed?: { readonly namespace: string; readonly ownerGids: readonly { gid: string; at: number }[] },
  ) {
    this.shop = shop;
    this.nextId = idBlockStart(27_000_000_000_000n, idBlock);
    for (const [n, { gid, at }] of (seed?.ownerGids ?? []).entries()) {
      for (const value of seededValues(n % 3)) this.put(gid, { namespace: seed!.namespace, ...value }, at);
    }
  }

  /** The owner's `metafields(first:, namespace:, keys:)`; every one in a bulk operation's run. */
  connection(ownerGid: string, args: Args, unbounded: boolean) {
    const namespace = typeof args['namespace'] === 'string' ? args['namespace'] : undefined;
    const keys = Array.isArray(args['keys']) ? (args['keys'] as string[]) : undefined;
    const entries: Keyed<SimMetafield>[] = [...(this.byOwner.get(ownerGid)?.values() ?? [])]
      .filter((metafield) => namespace === undefined || metafield.namespace === namespace)
      .filter((metafield) => keys === undefined || keys.includes(`${metafield.namespace}.${metafield.key}`))
      .map((item) => ({ item, key: { value: BigInt(item.id), id: BigInt(item.id) } }));
    return connectionOf(entries, args, metafieldView, this.shop.paginationLimit(), unbounded);
  }

  /** The webhook body's `metafields`: the owner's of the subscription's namespaces, REST-shaped. */
  restMetafields(ownerGid: string, namespaces: readonly string[]): JsonText {
    const owner = ownerOf(ownerGid);
    return [...(this.byOwner.get(ownerGid)?.values() ?? [])]
      .filter((metafield) => namespaces.includes(metafield.namespace))
      .map((metafield) => ({
        id: Number(metafield.id),
        namespace: metafield.namespace,
        key: metafield.key,
        value: metafield.value,
        description: null,
        owner_id: Number(owner?.[2]),
        created_at: restDateTime(metafield.createdAt, this.shop.ianaTimezone),
        updated_at: restDateTime(metafield.updatedAt, this.shop.ianaTimezone),
        owner_resource: owner?.[1]?.toLowerCase() ?? null,
        type: metafield.type,
        admin_graphql_api_id: `gid://shopify/Metafield/${metafield.id}`,
      }));
  }

  rootFields() {
    return {
      metafieldsSet: (args: Args) => this.set((args['metafields'] as Args[] | undefined) ?? []),
      metafieldsDelete: (args: Args) => this.remove((args['metafields'] as Args[] | undefined) ?? []),
    };
  }

  nodeById(id: string): View | null | undefined {
    if (!id.startsWith('gid://shopify/Metafield/')) return undefined;
    for (const metafields of this.byOwner.values())
      for (const metafield of metafields.values())
        if (`gid://shopify/Metafield/${metafield.id}` === id) return metafieldView(metafield);
    return null;
  }

  /** An owner's metafields of every namespace, as the store holds them now (chaos reads what to change). */
  ownedBy(ownerGid: string): readonly SimMetafield[] {
    return [...(this.byOwner.get(ownerGid)?.values() ?? [])];
  }

  /** `metafieldsSet`: all or nothing, as Shopify: any invalid input and nothing is written. */
  set(inputs: readonly Args[]) {
    const errors =
      inputs.length > MAX_SET
        ? [setError(['metafields'], `At most ${MAX_SET} metafields.`, 'LESS_THAN_OR_EQUAL_TO')]
        : [];
    inputs.forEach((input, index) => errors.push(...this.checkSet(input, index)));
    if (errors.length > 0) return { metafields: null, userErrors: errors };
    const at = this.shop.stamp();
    const written = inputs.map((input) => {
      const ownerGid = String(input['ownerId']);
      const existing = this.byOwner
        .get(ownerGid)
        ?.get(`${String(input['namespace'])}.${String(input['key'])}`);
      const type = typeof input['type'] === 'string' ? input['type'] : existing!.type;
      return this.put(
        ownerGid,
        {
          namespace: String(input['namespace']),
          key: String(input['key']),
          type,
          value: String(input['value']),
        },
        at,
      );
    });
    this.touchOwners(written.map((metafield) => metafield.ownerGid));
    return { metafields: written.map(metafieldView), userErrors: [] };
  }

  private checkSet(input: Args, index: number) {
    const field = (name: string) => ['metafields', String(index), name];
    const ownerGid = String(input['ownerId']);
    const owner = ownerOf(ownerGid);
    if (!owner || !this.owners[owner[1]!]?.exists(owner[2]!))
      return [setError(field('ownerId'), 'Owner does not exist.', 'INVALID')];
    if (typeof input['namespace'] !== 'string' || !/^[A-Za-z0-9_-]{3,255}$/.test(input['namespace']))
      return [setError(field('namespace'), 'Namespace is invalid.', 'INVALID')];
    if (typeof input['key'] !== 'string' || !/^[A-Za-z0-9_-]{2,64}$/.test(input['key']))
      return [setError(field('key'), 'Key is invalid.', 'INVALID')];
    const existing = this.byOwner.get(ownerGid)?.get(`${input['namespace']}.${input['key']}`);
    const type = typeof input['type'] === 'string' ? input['type'] : existing?.type;
    if (type === undefined) return [setError(field('type'), "Type can't be blank.", 'BLANK')];
    const problem = invalidValue(type, String(input['value']));
    return problem ? [setError(field('value'), problem, 'INVALID_VALUE')] : [];
  }

  /** `metafieldsDelete`: an identifier of no metafield is answered `null`, not an error. */
  remove(inputs: readonly Args[]) {
    const deleted = inputs.map((input) => {
      const ownerGid = String(input['ownerId']);
      const key = `${String(input['namespace'])}.${String(input['key'])}`;
      const removed = this.byOwner.get(ownerGid)?.delete(key) ?? false;
      return removed ? { ownerId: ownerGid, namespace: input['namespace'], key: input['key'] } : null;
    });
    this.touchOwners(deleted.flatMap((identifier) => (identifier ? [identifier.ownerId] : [])));
    return { deletedMetafields: deleted, userErrors: [] };
  }

  private touchOwners(ownerGids: readonly string[]): void {
    for (const gid of new Set(ownerGids)) {
      const [, kind, id] = ownerOf(gid)!;
      this.owners[kind!]!.touch(id!);
    }
  }

  private put(
    ownerGid: string,
    fields: { namespace: string; key: string; type: string; value: string },
    at: number,
  ): SimMetafield {
    const metafields = this.byOwner.get(ownerGid) ?? new Map<string, SimMetafield>();
    this.byOwner.set(ownerGid, metafields);
    const existing = metafields.get(`${fields.namespace}.${fields.key}`);
    if (!existing) this.nextId += 1n;
    const metafield: SimMetafield = {
      id: existing?.id ?? this.nextId.toString(),
      ownerGid,
      ...fields,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    metafields.set(`${fields.namespace}.${fields.key}`, metafield);
    return metafield;
  }
}

const setError = (field: string[], message: string, code: string) => ({ field, message, code });

/** A field the simulator resolves for any owner view: `metafields` of Customer, Order and Product. */
export const ownerMetafields = (
  store: SimMetafields | undefined,
  source: unknown,
  args: Args,
  unbounded: boolean,
) => {
  const id = (source as { id?: unknown }).id;
  if (!store || typeof id !== 'string' || !ownerOf(id))
    throw new GraphQLError('metafields is not implemented by the Shopify simulator for this type', {
      extensions: { code: 'NOT_IMPLEMENTED_IN_SIMULATOR' },
    });
  return store.connection(id, args, unbounded);
};
