import { GraphQLError } from 'graphql';

/** Shopify's largest page. */
export const maxPageSize = 250;
/** Shopify stops cursor pagination after this many objects in one query's result set. */
export const defaultMaxPaginatedObjects = 25_000;

/**
 * How a listing ends at the object limit. Shopify documents an error, and also says the Admin
 * API allows more in places; a client must be correct either way, so both are simulated:
 * `error` cuts the page reaching the limit with hasNextPage true and fails the next request;
 * `silentStop` ends the listing there with hasNextPage false, as if nothing came after.
 */
export const paginationLimitBehaviours = ['error', 'silentStop'] as const;
export type PaginationLimitBehaviour = (typeof paginationLimitBehaviours)[number];

export interface PaginationLimit {
  readonly maxObjects: number;
  readonly behaviour: PaginationLimitBehaviour;
}

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/** A total order for a connection: the sort value (time in ms, or the id) and then the id. */
export interface SortKey {
  readonly value: bigint;
  readonly id: bigint;
}

export interface Keyed<T> {
  readonly item: T;
  readonly key: SortKey;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface Connection<T> {
  readonly nodes: T[];
  readonly edges: { cursor: string; node: T }[];
  readonly pageInfo: PageInfo;
}

const compareKeys = (a: SortKey, b: SortKey, reverse: boolean): number => {
  const order = a.value === b.value ? (a.id === b.id ? 0 : a.id < b.id ? -1 : 1) : a.value < b.value ? -1 : 1;
  return reverse ? -order : order;
};

/** Opaque like Shopify's: base64 of the last item's sort value and id. */
export const encodeCursor = (key: SortKey): string =>
  Buffer.from(JSON.stringify({ last_id: key.id.toString(), last_value: key.value.toString() })).toString(
    'base64',
  );

const decodeCursor = (cursor: string, argument: string): SortKey => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'last_id' in parsed &&
      'last_value' in parsed &&
      typeof parsed.last_id === 'string' &&
      typeof parsed.last_value === 'string'
    ) {
      return { id: BigInt(parsed.last_id), value: BigInt(parsed.last_value) };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for ${argument} argument.`, { extensions: { code: 'BAD_REQUEST' } });
};

const pageSize = (name: 'first' | 'last', value: number | null | undefined): number | null => {
  if (value === null || value === undefined) return null;
  if (value < 0 || value > maxPageSize) {
    throw new GraphQLError(`The ${name} argument must be between 0 and ${maxPageSize}.`, {
      extensions: { code: 'BAD_REQUEST', argumentName: name, maximum: maxPageSize },
    });
  }
  return value;
};

/**
 * Key-set pagination over an already filtered list: cursors stay valid while items change between
 * pages, like Shopify's. At `maxObjects` (Shopify's 25,000-object limit) the listing either
 * errors on the next request or stops silently, per `behaviour` (see PaginationLimitBehaviour).
 */
export function paginate<T>(
  entries: readonly Keyed<T>[],
  args: PageArgs & { readonly reverse?: boolean | null },
  { maxObjects, behaviour }: PaginationLimit,
  { unbounded = false }: { readonly unbounded?: boolean } = {},
): Connection<T> {
  const first = pageSize('first', args.first);
  const last = pageSize('last', args.last);
  if (first === null && last === null && !unbounded) {
    throw new GraphQLError('You must provide one of first or last.', { extensions: { code: 'BAD_REQUEST' } });
  }
  const reverse = args.reverse ?? false;
  const sorted = [...entries].sort((a, b) => compareKeys(a.key, b.key, reverse));
  const afterKey = args.after ? decodeCursor(args.after, 'after') : null;
  const beforeKey = args.before ? decodeCursor(args.before, 'before') : null;

  const start = afterKey ? indexWhere(sorted, (e) => compareKeys(e.key, afterKey, reverse) > 0) : 0;
  const end = beforeKey
    ? indexWhere(sorted, (e) => compareKeys(e.key, beforeKey, reverse) >= 0)
    : sorted.length;
  let sliceStart = start;
  let sliceEnd = Math.max(start, end);
  if (first !== null) sliceEnd = Math.min(sliceEnd, sliceStart + first);
  if (last !== null) sliceStart = Math.max(sliceStart, sliceEnd - last);

  if (sliceEnd > sliceStart && sliceStart >= maxObjects && behaviour === 'error') {
    throw new GraphQLError(
      `Pagination limit exceeded: a query can page through at most ${maxObjects} objects. Narrow the query (for example with an updated_at range) to read further.`,
      { extensions: { code: 'PAGINATION_LIMIT_EXCEEDED', maxObjects } },
    );
  }
  sliceEnd = Math.min(sliceEnd, Math.max(maxObjects, sliceStart));

  const page = sorted.slice(sliceStart, sliceEnd);
  const edges = page.map((entry) => ({ cursor: encodeCursor(entry.key), node: entry.item }));
  return {
    nodes: page.map((entry) => entry.item),
    edges,
    pageInfo: {
      hasNextPage: sliceEnd < sorted.length && !(behaviour === 'silentStop' && sliceEnd >= maxObjects),
      hasPreviousPage: sliceStart > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function indexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}
