/**
 * The read API's listing contract: query parameters, and the opaque cursor. A cursor is the
 * base64url of the last returned item's index key plus the mode it was made for; decoding
 * checks it with zod and against the request, so a cursor can neither be forged into another
 * organization's partition nor replayed against a different listing.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors.js';
import type { StoredCustomer } from '../customers/customer-record.js';
import { organizationIdSchema } from '../integrations/connect-request.js';
import { parseWith } from '../validation.js';

export const customerStatusSchema = z.enum(['ACTIVE', 'INACTIVE', 'REDACTED']);

const isoTimestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp')
  .transform((value) => new Date(Date.parse(value)).toISOString());

export const listCustomersQuerySchema = z.strictObject({
  status: customerStatusSchema.optional(),
  updatedSince: isoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(2048).optional(),
});

export const shopifyIdParamSchema = z.string().regex(/^\d{1,20}$/, 'must be a numeric Shopify id');

export type ListingMode = 'byShopifyId' | 'byUpdatedAt';

export interface ListCustomersRequest {
  readonly organizationId: string;
  readonly status?: z.infer<typeof customerStatusSchema>;
  readonly updatedSince?: string;
  readonly limit: number;
  readonly startAfter?: ListingKey;
}

/** The index key of one item: base table key, plus the GSI sort key in `byUpdatedAt` mode. */
export interface ListingKey {
  readonly organizationId: string;
  readonly shopifyId: string;
  readonly shopifyUpdatedAt?: string;
}

export interface CustomerPage {
  readonly items: readonly StoredCustomer[];
  /** Absent means the end; a page may hold fewer than `limit` items and still have a cursor. */
  readonly lastKey?: ListingKey;
}

/** Reads for the read API: key-based Queries only, never a Scan (adapters/dynamodb/customer-query-store.ts). */
export interface CustomerQueries {
  listCustomers(request: ListCustomersRequest): Promise<CustomerPage>;
  getCustomer(organizationId: string, shopifyId: string): Promise<StoredCustomer | undefined>;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  mode: z.enum(['byShopifyId', 'byUpdatedAt']),
  key: z.strictObject({
    organizationId: z.string().min(1),
    shopifyId: z.string().regex(/^\d{1,20}$/),
    shopifyUpdatedAt: z.string().optional(),
  }),
});

export const modeOf = (updatedSince: string | undefined): ListingMode =>
  updatedSince ? 'byUpdatedAt' : 'byShopifyId';

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
  if (parsed.data.mode !== mode || key.organizationId !== organizationId) {
    throw new ValidationError('Cursor does not belong to this listing');
  }
  if ((mode === 'byUpdatedAt') !== (key.shopifyUpdatedAt !== undefined))
    throw new ValidationError('Invalid cursor');
  return key;
};

export interface CustomerListing {
  readonly customers: readonly StoredCustomer[];
  readonly nextCursor: string | null;
}

export const listCustomers = async (
  organizationIdParam: unknown,
  query: unknown,
  queries: CustomerQueries,
): Promise<CustomerListing> => {
  const organizationId = parseWith(organizationIdSchema, organizationIdParam, 'organizationId');
  const params = parseWith(listCustomersQuerySchema, query ?? {}, 'query parameters');
  const mode = modeOf(params.updatedSince);
  const startAfter =
    params.cursor === undefined ? undefined : decodeCursor(params.cursor, mode, organizationId);
  const page = await queries.listCustomers({
    organizationId,
    limit: params.limit,
    ...(params.status && { status: params.status }),
    ...(params.updatedSince && { updatedSince: params.updatedSince }),
    ...(startAfter && { startAfter }),
  });
  return { customers: page.items, nextCursor: page.lastKey ? encodeCursor(mode, page.lastKey) : null };
};

export const getCustomer = async (
  organizationIdParam: unknown,
  shopifyIdParam: unknown,
  queries: CustomerQueries,
): Promise<StoredCustomer> => {
  const organizationId = parseWith(organizationIdSchema, organizationIdParam, 'organizationId');
  const shopifyId = parseWith(shopifyIdParamSchema, shopifyIdParam, 'shopifyId');
  const customer = await queries.getCustomer(organizationId, shopifyId);
  if (!customer) throw new NotFoundError(`Customer ${shopifyId}`);
  return customer;
};
