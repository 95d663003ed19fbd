/**
 * Helpers every simulated resource shares: connections (key-set pages), counts, the search subset,
 * sort keys, access checks, ids and Shopify's two ways of writing an amount. Resource-neutral:
 * nothing here knows a resource.
 */
import { GraphQLError } from 'graphql';
import { type Keyed, type PageArgs, paginate, type PaginationLimit } from '../connection.js';
import { matchesSearch, parseCustomerSearch, UnsupportedSearchError } from '../customer-search.js';
import type { Args, RootField, ShopContext, View } from './resource.js';

/** A bulk operation's run reads everything: no page size and no object limit. */
const everything: PaginationLimit = { maxObjects: Number.MAX_SAFE_INTEGER, behaviour: 'error' };

/** A connection's answer: `nodes`, `edges` and `pageInfo`, each item through `view`. */
export function connectionOf<T, V>(
  entries: readonly Keyed<T>[],
  args: Args,
  view: (item: T) => V,
  limit: PaginationLimit,
  unbounded = false,
) {
  const page = paginate(
    entries,
    { ...(args as PageArgs), reverse: args['reverse'] as boolean },
    unbounded ? everything : limit,
    { unbounded },
  );
  return {
    nodes: page.nodes.map(view),
    edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: view(edge.node) })),
    pageInfo: page.pageInfo,
  };
}

/**
 * A root connection of the shop: one page within the shop's pagination limit, or, in a bulk
 * operation's run, every item whatever the paging arguments say.
 */
export const rootConnection =
  (shop: ShopContext, unbounded: boolean) =>
  <T, V>(entries: readonly Keyed<T>[], args: Args, view: (item: T) => V) =>
    unbounded
      ? connectionOf(entries, { reverse: args['reverse'] }, view, everything, true)
      : connectionOf(entries, args, view, shop.paginationLimit());

/** `…Count(limit:)`: exact up to the limit, `AT_LEAST` past it. */
export const countOf = (total: number, args: Args) => {
  const cap = typeof args['limit'] === 'number' ? args['limit'] : null;
  return cap !== null && total > cap
    ? { count: cap, precision: 'AT_LEAST' }
    : { count: total, precision: 'EXACT' };
};

/** The search subset the sync uses (`updated_at`, `created_at`, `id`); anything else fails loudly. */
export const searchTerms = (query: unknown) => {
  try {
    return parseCustomerSearch(typeof query === 'string' ? query : null);
  } catch (error) {
    if (error instanceof UnsupportedSearchError)
      throw new GraphQLError(error.message, { extensions: { code: 'UNSUPPORTED_SEARCH_IN_SIMULATOR' } });
    throw error;
  }
};

interface Timestamped {
  readonly id: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The key a `sortKey` orders by; ties break on the id. */
export const sortKeyOf = (record: Timestamped, sortKey: unknown) => {
  const key = typeof sortKey === 'string' ? sortKey : 'ID';
  switch (key) {
    case 'ID':
      return { value: BigInt(record.id), id: BigInt(record.id) };
    case 'UPDATED_AT':
      return { value: BigInt(record.updatedAt), id: BigInt(record.id) };
    case 'CREATED_AT':
      return { value: BigInt(record.createdAt), id: BigInt(record.id) };
    default:
      throw new GraphQLError(`sortKey ${key} is not implemented by the Shopify simulator`, {
        extensions: { code: 'NOT_IMPLEMENTED_IN_SIMULATOR' },
      });
  }
};

/**
 * ACCESS_DENIED as from Shopify for an app without `read_<field>` (or `write_<field>`);
 * `deniedFields` refuses a field whatever the grant says.
 */
export const requireAccess = (shop: ShopContext, field: string, scope = `read_${field}`): void => {
  if (shop.deniedFields.includes(field) || !shop.hasScope(scope))
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: { code: 'ACCESS_DENIED' },
    });
};

export const byId = (a: { readonly id: string }, b: { readonly id: string }) =>
  BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;

/** The numeric id of `gid://shopify/<type>/<n>` or of a bare `<n>`. */
export const numericIdOf = (type: string, id: string): string =>
  id.replace(new RegExp(`^gid://shopify/${type}/`), '');

/**
 * Shopify's ids are unique across the whole platform, not per store: two stores never share a
 * customer, order or product id, so two stores never send the same delete body (`{"id": …}`).
 * The webhook path relies on that: a body already processed for one store is a replay when it
 * comes again under another store's headers. Each shop of one simulator therefore gets its own
 * block of every id family, by its creation ordinal, even when two shops share a seed.
 */
export const idBlockStart = (base: bigint, idBlock: bigint, size: 'customers' | 'others' = 'others') =>
  base + idBlock * (size === 'customers' ? 1_000_000_000_000n : 1_000_000_000n);

/** GraphQL's Decimal: no trailing zeros (`"12.5"`, `"12.0"`). */
export const decimal = (cents: number) => {
  const text = (cents / 100).toFixed(2).replace(/0$/, '');
  return text.endsWith('.') ? `${text}0` : text;
};

/** REST: always two digits (`"12.50"`). */
export const restAmount = (cents: number) => (cents / 100).toFixed(2);

/**
 * The QueryRoot fields every listed resource has: its connection (searched by `query`, ordered by
 * `sortKey`), one record by id, and its count; each asks for the resource's scope first.
 * `listView` is the connection's view (a bulk run's reads nested connections whole).
 */
export const listedRootFields = <T extends Timestamped & Parameters<typeof matchesSearch>[0]>(spec: {
  readonly shop: ShopContext;
  readonly unbounded: boolean;
  /** The plural field (`customers`), which also names `read_<field>` and `<field>Count`. */
  readonly field: string;
  /** The by-id field (`customer`). */
  readonly oneField: string;
  /** The scope the fields need, when not `read_<field>`. */
  readonly scope?: string;
  readonly records: () => readonly T[];
  readonly get: (id: string) => T | undefined;
  readonly view: (record: T) => View;
  readonly listView?: (record: T) => View;
}): Record<string, RootField> => {
  const { shop, field } = spec;
  const page = rootConnection(shop, spec.unbounded);
  const matching = (args: Args) => {
    const terms = searchTerms(args['query']);
    return spec.records().filter((record) => matchesSearch(record, terms));
  };
  return {
    [field]: (args: Args) => {
      requireAccess(shop, field, spec.scope);
      const entries = matching(args).map((item) => ({ item, key: sortKeyOf(item, args['sortKey']) }));
      return page(entries, args, spec.listView ?? spec.view);
    },
    [spec.oneField]: (args: Args) => {
      requireAccess(shop, field, spec.scope);
      const record = typeof args['id'] === 'string' ? spec.get(args['id']) : undefined;
      return record ? spec.view(record) : null;
    },
    [`${field}Count`]: (args: Args) => {
      requireAccess(shop, field, spec.scope);
      return countOf(matching(args).length, args);
    },
  };
};
