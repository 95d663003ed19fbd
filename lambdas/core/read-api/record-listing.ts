/**
 * The read API's listing contract, the same for every resource: query parameters, and the opaque
 * cursor. A cursor is the base64url of the last returned item's index key plus the mode it was
 * made for (v1), or, for a listing merged from several key ranges (the sharded `updatedSince`
 * index), where it stands in each range (v2); decoding checks it with zod and against the
 * request, so a cursor can neither be forged into another organization's partition nor replayed
 * against a different listing.
 */
import * as z from 'zod';
import { lazily } from '../lazily.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { organizationIdSchema } from '../integrations/connect-request.js';
import type { StoredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordLookup } from '../../resources/kit/definition.js';
import { parseWith } from '../validation.js';

export const recordStatusSchema = z.enum(['ACTIVE', 'INACTIVE', 'REDACTED']);

const isoTimestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp')
  .transform((value) => new Date(Date.parse(value)).toISOString());

export const shopifyIdParamSchema = z.string().regex(/^\d{1,20}$/, 'must be a numeric Shopify id');

/**
 * A record's key: a numeric Shopify id, or two joined by `:` where a record's identity is
 * composite (an inventory level is `<inventoryItemId>:<locationId>`).
 */
const RECORD_KEY = /^\d{1,20}(?::\d{1,20})?$/;
export const recordKeyParamSchema = z
  .string()
  .regex(RECORD_KEY, 'must be a numeric Shopify id, or two joined by ":" (an inventory level)');

/** The query parameters of one resource's listing: the common ones plus its lookups. */
const listQueryShape = {
  status: recordStatusSchema.optional(),
  updatedSince: isoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(2048).optional(),
};

export const listQuerySchema = (lookups: readonly RecordLookup[]) =>
  z
    .strictObject({
      ...listQueryShape,
      ...Object.fromEntries(lookups.map(({ attribute }) => [attribute, shopifyIdParamSchema.optional()])),
    })
    .refine(
      (query) =>
        [
          query.updatedSince,
          ...lookups.map(({ attribute }) => query[attribute as keyof typeof query]),
        ].filter((value) => value !== undefined).length <= 1,
      { message: `combine at most one of updatedSince${lookups.map((l) => `, ${l.attribute}`).join('')}` },
    );

/**
 * The same schema, typed with its lookup parameters by name (`customerId`) for callers that know
 * them at compile time: the API contract, and through it the typed client.
 */
export const typedListQuerySchema = <const TAttribute extends string = never>(
  lookups: readonly { readonly attribute: TAttribute }[],
) =>
  listQuerySchema(lookups) as unknown as z.ZodObject<
    typeof listQueryShape & Record<TAttribute, z.ZodOptional<typeof shopifyIdParamSchema>>,
    z.core.$strict
  >;

/** Which index a listing reads: the table itself, the update-time index, or a lookup index. */
export type ListingMode = 'byShopifyId' | 'byUpdatedAt' | `by:${string}`;

export interface ListRecordsRequest {
  readonly organizationId: string;
  readonly status?: z.infer<typeof recordStatusSchema>;
  readonly updatedSince?: string;
  readonly lookup?: { readonly attribute: string; readonly value: string };
  readonly limit: number;
  readonly startAfter?: ListingKey;
  /** A merged listing's place in each of its ranges (from a v2 cursor). */
  readonly startAfterRanges?: readonly RangePosition[];
}

/**
 * Where a merged listing stands in one of its key ranges: not started (`null`), read to its end
 * (`'done'`), or just after one item (its sort value and id). Each range is read in its own
 * order, from its own position, so no item is skipped or repeated across pages whatever the
 * other ranges hold.
 */
export type RangePosition = null | 'done' | { readonly sort: string; readonly shopifyId: string };

/** The index key of one item: the base table key plus the index's sort key, if any. */
export type ListingKey = Readonly<Record<string, string>> & {
  readonly organizationId: string;
  readonly shopifyId: string;
};

export interface RecordPage {
  readonly items: readonly StoredRecord[];
  /** Absent (and no `lastRanges`) means the end; a page may hold fewer than `limit` items and still have a cursor. */
  readonly lastKey?: ListingKey;
  /** A merged listing's place in each range, when it has more to read. */
  readonly lastRanges?: readonly RangePosition[];
}

/** Reads for the read API: key-based Queries only, never a Scan (adapters/dynamodb/record-query-store.ts). */
export interface RecordQueries {
  listRecords(request: ListRecordsRequest): Promise<RecordPage>;
  getRecord(organizationId: string, shopifyId: string): Promise<StoredRecord | undefined>;
}

const cursorSchema = lazily(() =>
  z.strictObject({
    v: z.literal(1),
    mode: z.string().regex(/^(byShopifyId|byUpdatedAt|by:[A-Za-z]+)$/),
    key: z
      .record(z.string().regex(/^[A-Za-z]+$/), z.string().max(256))
      .refine((key) => Object.keys(key).length <= 3),
  }),
);

/** Merged listings: at most this many ranges (the sharded index has 16), so a cursor stays under 2 KB. */
const MAX_RANGES = 24;

const rangesCursorSchema = lazily(() =>
  z.strictObject({
    v: z.literal(2),
    mode: z.string().regex(/^(byShopifyId|byUpdatedAt|by:[A-Za-z]+)$/),
    org: z.string().max(128),
    // 0: not started, 1: done, [sort value, shopifyId]: just after that item.
    ranges: z
      .array(
        z.union([
          z.literal(0),
          z.literal(1),
          z.tuple([z.string().min(1).max(64), z.string().regex(/^\d{1,20}$/)]),
        ]),
      )
      .min(1)
      .max(MAX_RANGES),
  }),
);

export const modeOf = (request: Pick<ListRecordsRequest, 'updatedSince' | 'lookup'>): ListingMode =>
  request.lookup ? `by:${request.lookup.attribute}` : request.updatedSince ? 'byUpdatedAt' : 'byShopifyId';

/** The attribute a mode's index sorts by, besides the base key. */
const sortAttributeOf = (mode: ListingMode): string | undefined =>
  mode === 'byUpdatedAt' ? 'shopifyUpdatedAt' : mode.startsWith('by:') ? mode.slice(3) : undefined;

export const encodeCursor = (mode: ListingMode, key: ListingKey): string =>
  Buffer.from(JSON.stringify({ v: 1, mode, key }), 'utf8').toString('base64url');

export const encodeRangesCursor = (
  mode: ListingMode,
  organizationId: string,
  ranges: readonly RangePosition[],
): string =>
  Buffer.from(
    JSON.stringify({
      v: 2,
      mode,
      org: organizationId,
      ranges: ranges.map((range) =>
        range === null ? 0 : range === 'done' ? 1 : [range.sort, range.shopifyId],
      ),
    }),
    'utf8',
  ).toString('base64url');

const rawCursor = (cursor: string): unknown => {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('Invalid cursor');
  }
};

/** Either kind of cursor: one index key (v1), or a merged listing's place in each range (v2). */
export const decodeListingCursor = (
  cursor: string,
  mode: ListingMode,
  organizationId: string,
): { readonly key: ListingKey } | { readonly ranges: readonly RangePosition[] } => {
  const raw = rawCursor(cursor);
  if ((raw as { v?: unknown } | null)?.v !== 2) return { key: decodeCursor(cursor, mode, organizationId) };
  const parsed = rangesCursorSchema().safeParse(raw);
  if (!parsed.success) throw new ValidationError('Invalid cursor');
  if (parsed.data.mode !== mode || parsed.data.org !== organizationId)
    throw new ValidationError('Cursor does not belong to this listing');
  return {
    ranges: parsed.data.ranges.map((range) =>
      range === 0 ? null : range === 1 ? 'done' : { sort: range[0], shopifyId: range[1] },
    ),
  };
};

export const decodeCursor = (cursor: string, mode: ListingMode, organizationId: string): ListingKey => {
  const raw = rawCursor(cursor);
  const parsed = cursorSchema().safeParse(raw);
  if (!parsed.success) throw new ValidationError('Invalid cursor');
  const { key } = parsed.data;
  if (parsed.data.mode !== mode || key['organizationId'] !== organizationId) {
    throw new ValidationError('Cursor does not belong to this listing');
  }
  const expected = ['organizationId', 'shopifyId', sortAttributeOf(mode)].filter(Boolean).sort();
  if (!RECORD_KEY.test(key['shopifyId'] ?? '') || Object.keys(key).sort().join() !== expected.join())
    throw new ValidationError('Invalid cursor');
  return key as ListingKey;
};

export interface RecordListing {
  readonly items: readonly StoredRecord[];
  readonly nextCursor: string | null;
}

export const listRecords = async (
  lookups: readonly RecordLookup[],
  organizationIdParam: unknown,
  query: unknown,
  queries: RecordQueries,
): Promise<RecordListing> => {
  const organizationId = parseWith(organizationIdSchema, organizationIdParam, 'organizationId');
  const params = parseWith(listQuerySchema(lookups), query ?? {}, 'query parameters') as z.output<
    ReturnType<typeof listQuerySchema>
  > &
    Record<string, string | undefined>;
  const found = lookups.find(({ attribute }) => params[attribute] !== undefined);
  const lookup = found && { attribute: found.attribute, value: params[found.attribute]! };
  const mode = modeOf({ updatedSince: params.updatedSince, lookup });
  const start =
    params.cursor === undefined ? undefined : decodeListingCursor(params.cursor, mode, organizationId);
  const page = await queries.listRecords({
    organizationId,
    limit: params.limit,
    ...(params.status && { status: params.status }),
    ...(params.updatedSince && { updatedSince: params.updatedSince }),
    ...(lookup && { lookup }),
    ...(start && 'key' in start && { startAfter: start.key }),
    ...(start && 'ranges' in start && { startAfterRanges: start.ranges }),
  });
  const nextCursor = page.lastRanges
    ? encodeRangesCursor(mode, organizationId, page.lastRanges)
    : page.lastKey
      ? encodeCursor(mode, page.lastKey)
      : null;
  return { items: page.items, nextCursor };
};

export const getRecord = async (
  what: string,
  organizationIdParam: unknown,
  shopifyIdParam: unknown,
  queries: RecordQueries,
): Promise<StoredRecord> => {
  const organizationId = parseWith(organizationIdSchema, organizationIdParam, 'organizationId');
  const shopifyId = parseWith(recordKeyParamSchema, shopifyIdParam, 'shopifyId');
  const record = await queries.getRecord(organizationId, shopifyId);
  if (!record) throw new NotFoundError(`${what} ${shopifyId}`);
  return record;
};
