/**
 * The read API's listing contract, the same for every resource: query parameters, and the opaque
 * cursor. A cursor is the base64url of the last returned item's index key plus the mode it was
 * made for; decoding checks it with zod and against the request, so a cursor can neither be
 * forged into another organization's partition nor replayed against a different listing.
 */
import * as z from 'zod';
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
}

/** The index key of one item: the base table key plus the index's sort key, if any. */
export type ListingKey = Readonly<Record<string, string>> & {
  readonly organizationId: string;
  readonly shopifyId: string;
};

export interface RecordPage {
  readonly items: readonly StoredRecord[];
  /** Absent means the end; a page may hold fewer than `limit` items and still have a cursor. */
  readonly lastKey?: ListingKey;
}

/** Reads for the read API: key-based Queries only, never a Scan (adapters/dynamodb/record-query-store.ts). */
export interface RecordQueries {
  listRecords(request: ListRecordsRequest): Promise<RecordPage>;
  getRecord(organizationId: string, shopifyId: string): Promise<StoredRecord | undefined>;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  mode: z.string().regex(/^(byShopifyId|byUpdatedAt|by:[A-Za-z]+)$/),
  key: z
    .record(z.string().regex(/^[A-Za-z]+$/), z.string().max(256))
    .refine((key) => Object.keys(key).length <= 3),
});

export const modeOf = (request: Pick<ListRecordsRequest, 'updatedSince' | 'lookup'>): ListingMode =>
  request.lookup ? `by:${request.lookup.attribute}` : request.updatedSince ? 'byUpdatedAt' : 'byShopifyId';

/** The attribute a mode's index sorts by, besides the base key. */
const sortAttributeOf = (mode: ListingMode): string | undefined =>
  mode === 'byUpdatedAt' ? 'shopifyUpdatedAt' : mode.startsWith('by:') ? mode.slice(3) : undefined;

export const encodeCursor = (mode: ListingMode, key: ListingKey): string =>
  Buffer.from(JSON.stringify({ v: 1, mode, key }), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string, mode: ListingMode, organizationId: string): ListingKey => {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('Invalid cursor');
  }
  const parsed = cursorSchema.safeParse(raw);
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
  const startAfter =
    params.cursor === undefined ? undefined : decodeCursor(params.cursor, mode, organizationId);
  const page = await queries.listRecords({
    organizationId,
    limit: params.limit,
    ...(params.status && { status: params.status }),
    ...(params.updatedSince && { updatedSince: params.updatedSince }),
    ...(lookup && { lookup }),
    ...(startAfter && { startAfter }),
  });
  return { items: page.items, nextCursor: page.lastKey ? encodeCursor(mode, page.lastKey) : null };
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
