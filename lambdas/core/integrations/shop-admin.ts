/**
 * The lifecycle's calls to one store's Admin GraphQL API, typed and validated. Mutations that
 * answer `userErrors` become ShopAdminError, whose message carries Shopify's text only (never
 * the token, which lives in the client's headers).
 */
import * as z from 'zod';
import type { MirroredRecord, RecordOwner } from '../../resources/kit/mirrored-record.js';
import { largestPageWithin, MAX_QUERY_COST } from '../../resources/kit/query-cost.js';
import {
  type ChildKeys,
  type ReconcileListing,
  type RecordCount,
  recordsOf,
  type ResourceDefinition,
} from '../../resources/kit/definition.js';
import {
  accessScopesQuery,
  nodesByIdQuery,
  shopIdentityQuery,
  webhookSubscriptionCreateMutation,
  webhookSubscriptionDeleteMutation,
  webhookSubscriptionNamespacesMutation,
  webhookSubscriptionsQuery,
} from '../../shopify/queries/lifecycle.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';

export class ShopAdminError extends Error {
  override readonly name = 'ShopAdminError';
}

/** A listing that cannot be trusted to have reached its end: nothing may be concluded from it. */
export class IncompleteListingError extends Error {
  override readonly name = 'IncompleteListingError';
}

export interface ShopIdentity {
  readonly id: string;
  readonly name: string;
  readonly myshopifyDomain: string;
}

export interface WebhookSubscriptionSummary {
  readonly id: string;
  readonly topic: string;
  readonly uri: string;
  /** The metafield namespaces its bodies carry; absent is none. */
  readonly metafieldNamespaces?: readonly string[];
}

const userErrorsSchema = z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string() }));
const subscriptionSchema = z.object({
  id: z.string(),
  topic: z.string(),
  uri: z.string(),
  metafieldNamespaces: z.array(z.string()).default([]),
});
const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

const failOnUserErrors = (operation: string, errors: z.infer<typeof userErrorsSchema>): void => {
  if (errors.length > 0)
    throw new ShopAdminError(`${operation} failed: ${errors.map((e) => e.message).join('; ')}`);
};

export const fetchShopIdentity = async (shopify: ShopifyGraphql): Promise<ShopIdentity> => {
  const { data } = await shopify.query(
    shopIdentityQuery,
    {},
    z.object({ shop: z.object({ id: z.string(), name: z.string(), myshopifyDomain: z.string() }) }),
  );
  return data.shop;
};

/** The access scope handles Shopify reports granted to this app on this shop (e.g. `read_orders`). */
export const fetchGrantedScopes = async (shopify: ShopifyGraphql): Promise<string[]> => {
  const { data } = await shopify.query(
    accessScopesQuery,
    {},
    z.object({
      currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string().min(1) })) }),
    }),
    { expectedCost: 2 },
  );
  return data.currentAppInstallation.accessScopes.map((scope) => scope.handle);
};

export const listWebhookSubscriptions = async (
  shopify: ShopifyGraphql,
  topics: readonly string[],
): Promise<WebhookSubscriptionSummary[]> => {
  const schema = z.object({
    webhookSubscriptions: z.object({ nodes: z.array(subscriptionSchema), pageInfo: pageInfoSchema }),
  });
  const found: WebhookSubscriptionSummary[] = [];
  let after: string | null = null;
  do {
    const { data }: { data: z.infer<typeof schema> } = await shopify.query(
      webhookSubscriptionsQuery,
      { first: 100, after, topics },
      schema,
    );
    found.push(...data.webhookSubscriptions.nodes);
    after = data.webhookSubscriptions.pageInfo.hasNextPage
      ? data.webhookSubscriptions.pageInfo.endCursor
      : null;
  } while (after);
  return found;
};

export const createWebhookSubscription = async (
  shopify: ShopifyGraphql,
  topic: string,
  uri: string,
  /** The metafield namespaces its bodies carry (none: no `metafields` in them). */
  metafieldNamespaces: readonly string[] = [],
): Promise<WebhookSubscriptionSummary> => {
  const { data } = await shopify.query(
    webhookSubscriptionCreateMutation,
    { topic, uri, metafieldNamespaces },
    z.object({
      webhookSubscriptionCreate: z.object({
        webhookSubscription: subscriptionSchema.nullable(),
        userErrors: userErrorsSchema,
      }),
    }),
  );
  const { webhookSubscription, userErrors } = data.webhookSubscriptionCreate;
  failOnUserErrors(`webhookSubscriptionCreate(${topic})`, userErrors);
  if (!webhookSubscription)
    throw new ShopAdminError(`webhookSubscriptionCreate(${topic}) returned no subscription`);
  return webhookSubscription;
};

/** Sets the metafield namespaces a subscription's bodies carry. */
export const updateWebhookSubscriptionNamespaces = async (
  shopify: ShopifyGraphql,
  id: string,
  metafieldNamespaces: readonly string[],
): Promise<void> => {
  const { data } = await shopify.query(
    webhookSubscriptionNamespacesMutation,
    { id, metafieldNamespaces },
    z.object({
      webhookSubscriptionUpdate: z.object({
        webhookSubscription: subscriptionSchema.nullable(),
        userErrors: userErrorsSchema,
      }),
    }),
  );
  failOnUserErrors('webhookSubscriptionUpdate', data.webhookSubscriptionUpdate.userErrors);
};

export const deleteWebhookSubscription = async (shopify: ShopifyGraphql, id: string): Promise<void> => {
  const { data } = await shopify.query(
    webhookSubscriptionDeleteMutation,
    { id },
    z.object({
      webhookSubscriptionDelete: z.object({
        deletedWebhookSubscriptionId: z.string().nullable(),
        userErrors: userErrorsSchema,
      }),
    }),
  );
  failOnUserErrors('webhookSubscriptionDelete', data.webhookSubscriptionDelete.userErrors);
};

/** How many records of a resource the store has (its definition's count query, e.g. customersCount). */
export const countShopifyRecords = async (shopify: ShopifyGraphql, listing: RecordCount): Promise<number> => {
  const { data } = await shopify.query(
    listing.countQuery,
    {},
    z.object({
      [listing.countField]: z.object({ count: z.number().int(), precision: z.string() }).nullable(),
    }),
  );
  const counted = data[listing.countField] as { count: number } | null | undefined;
  if (!counted) throw new ShopAdminError(`${listing.countField} returned null`);
  return counted.count;
};

/** Cursor walks stay well below Shopify's 25,000-object limit; each slice restarts with `id:>last`. */
export const ID_SLICE_OBJECTS = 20_000;
/** Shopify's documented object limit per listing (how a listing ends there is not promised). */
export const MAX_OBJECTS_PER_LISTING = 25_000;
const ID_PAGE_SIZE = 250;

/**
 * Every id of a resource in the store, in ascending id order, one page at a time. Ids are
 * compared as BigInt: they are 64-bit and must never pass through a JS number.
 *
 * Each `id:>N` slice stays within `listingLimit` (Shopify's object limit per listing). A slice
 * that has read as many ids as the limit never ends on `hasNextPage: false` alone (a listing may
 * stop silently there): the next slice starts after the last id seen.
 */
export async function* shopifyRecordIds(
  shopify: ShopifyGraphql,
  resource: { readonly gidType: string; readonly reconcile: ReconcileListing },
  listingLimit = MAX_OBJECTS_PER_LISTING,
): AsyncGenerator<string[]> {
  const { keys } = resource.reconcile;
  const field = resource.reconcile.idsConnectionField;
  const gidType = keys?.parentGidType ?? resource.gidType;
  const gidPattern = new RegExp(`^gid://shopify/${gidType}/(\\d{1,20})$`);
  const schema = z.object({
    [field]: z.object({ nodes: z.array(z.looseObject({ id: z.string() })), pageInfo: pageInfoSchema }),
  });
  const sliceLimit = Math.min(ID_SLICE_OBJECTS, listingLimit);
  // Parents with their children's ids cost more than an id each: as many as fit a query.
  const pageSize = keys
    ? largestPageWithin({ perQuery: 2, perNode: keys.parentCost }, MAX_QUERY_COST)
    : ID_PAGE_SIZE;
  const perNode = keys?.parentCost ?? 1;
  let lastId: string | undefined;
  let after: string | null = null;
  let inSlice = 0;
  for (;;) {
    const query = lastId === undefined ? null : `id:>${lastId}`;
    const first = Math.min(pageSize, sliceLimit - inSlice);
    const variables: Record<string, unknown> = { first, after, query };
    const { data } = await shopify.query(resource.reconcile.idsQuery, variables, schema, {
      expectedCost: first * perNode + 2,
    });
    const connection = data[field] as {
      nodes: { id: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const ids = connection.nodes.map((node) => {
      const match = gidPattern.exec(node.id);
      if (!match?.[1]) throw new ShopAdminError(`${field} returned a node id that is not a ${gidType} gid`);
      return match[1];
    });
    const listed = keys ? await childKeysOf(keys, connection.nodes, shopify) : ids;
    if (listed.length > 0) yield listed;
    const { hasNextPage, endCursor } = connection.pageInfo;
    inSlice += ids.length;
    if (!hasNextPage && inSlice < sliceLimit) return;
    // "More to come" with nothing on the page is not an end: Shopify has not said where the rest is.
    if (ids.length === 0) throw new IncompleteListingError(`${field} page said hasNextPage but held no ids`);
    if (inSlice >= sliceLimit || endCursor === null) {
      lastId = ids.reduce(
        (max: string, id: string) => (BigInt(id) > BigInt(max) ? id : max),
        lastId ?? ids[0]!,
      );
      after = null;
      inSlice = 0;
    } else {
      after = endCursor;
    }
  }
}

const childKeysOf = async (
  keys: ChildKeys,
  parents: readonly unknown[],
  shopify: ShopifyGraphql,
): Promise<string[]> => {
  const listed: string[] = [];
  for (const parent of parents) listed.push(...(await keys.keysOf(parent, shopify)));
  return listed;
};

/** Shopify's cap on ids per `nodes(ids:)` call. */
export const NODES_PER_CALL = 250;

const gidOf = (gidType: string, id: string) => `gid://shopify/${gidType}/${id}`;

/**
 * Of `ids` (numeric), those Shopify answers `null` for: deleted, as Shopify sees it now. A direct
 * lookup does not go through the search index, so unlike a listing it cannot miss a live record;
 * a few points per call.
 */
export const recordsAbsentFromShopify = async (
  shopify: ShopifyGraphql,
  gidType: string,
  ids: readonly string[],
): Promise<string[]> => {
  const schema = z.object({ nodes: z.array(z.object({ id: z.string() }).nullable()) });
  const absent: string[] = [];
  for (let start = 0; start < ids.length; start += NODES_PER_CALL) {
    const batch = ids.slice(start, start + NODES_PER_CALL);
    const { data } = await shopify.query(
      nodesByIdQuery,
      { ids: batch.map((id) => gidOf(gidType, id)) },
      schema,
      { expectedCost: batch.length + 1 },
    );
    if (data.nodes.length !== batch.length)
      throw new ShopAdminError(`nodes returned ${data.nodes.length} entries for ${batch.length} ids`);
    data.nodes.forEach((node, index) => {
      if (node === null) absent.push(batch[index]!);
    });
  }
  return absent;
};

/**
 * Of `keys` (parent and child, `ChildKeys`), those Shopify no longer has: the parent answers
 * `null`, or it answers without that child. Parents are looked up directly (no search index),
 * each with all its children.
 */
export const childKeysAbsentFromShopify = async (
  shopify: ShopifyGraphql,
  childKeys: ChildKeys,
  keys: readonly string[],
): Promise<string[]> => {
  const parents = [...new Set(keys.map((key) => childKeys.parentOf(key)))];
  const perCall = largestPageWithin({ perQuery: 1, perNode: childKeys.parentCost }, MAX_QUERY_COST);
  const schema = z.object({ nodes: z.array(z.unknown()) });
  const present = new Set<string>();
  for (let start = 0; start < parents.length; start += perCall) {
    const batch = parents.slice(start, start + perCall);
    const { data } = await shopify.query(
      childKeys.lookupQuery,
      { ids: batch.map((id) => gidOf(childKeys.parentGidType, id)) },
      schema,
      { expectedCost: batch.length * childKeys.parentCost + 1 },
    );
    if (data.nodes.length !== batch.length)
      throw new ShopAdminError(`nodes returned ${data.nodes.length} entries for ${batch.length} ids`);
    const found = data.nodes.filter((node) => node !== null);
    for (const key of await childKeysOf(childKeys, found, shopify)) present.add(key);
  }
  return keys.filter((key) => !present.has(key));
};

/**
 * Records by numeric id through the definition's `reconcile.byIdsQuery`, mapped like a sync page
 * (with what one page could not hold: `completeNode`), in batches that stay under Shopify's
 * 1,000-point cap; ids Shopify no longer has are left out, and a node that fails validation is
 * skipped.
 */
export async function* fetchRecordsByIds<TRecord extends MirroredRecord>(
  shopify: ShopifyGraphql,
  definition: Pick<
    ResourceDefinition<unknown, TRecord>,
    'name' | 'gidType' | 'nodeSchema' | 'toRecord' | 'toRecords' | 'pageCost' | 'completeNode'
  > & { readonly reconcile: ReconcileListing },
  ids: readonly string[],
  owner: RecordOwner,
): AsyncGenerator<TRecord[]> {
  const document = definition.reconcile.byIdsQuery;
  if (!document) return;
  const perCall = Math.max(1, Math.min(NODES_PER_CALL, Math.floor(999 / definition.pageCost.perNode)));
  const schema = z.object({ nodes: z.array(z.unknown()) });
  for (let start = 0; start < ids.length; start += perCall) {
    const batch = ids.slice(start, start + perCall);
    const { data } = await shopify.query(
      document,
      { ids: batch.map((id) => gidOf(definition.gidType, id)) },
      schema,
      { expectedCost: batch.length * definition.pageCost.perNode + 1 },
    );
    const records: TRecord[] = [];
    for (const node of data.nodes) {
      const parsed = node === null ? undefined : definition.nodeSchema.safeParse(node);
      if (!parsed?.success) continue;
      // Fetched by id, not from a filtered page: the whole node, whatever its update time.
      const whole = definition.completeNode
        ? await definition.completeNode(parsed.data, shopify, { query: null })
        : parsed.data;
      records.push(...recordsOf(definition, whole, owner));
    }
    if (records.length > 0) yield records;
  }
}

/** One record by numeric id (fetchRecordsByIds); undefined when Shopify no longer has it. */
export const fetchRecordById = async <TRecord extends MirroredRecord>(
  shopify: ShopifyGraphql,
  definition: Parameters<typeof fetchRecordsByIds<TRecord>>[1],
  id: string,
  owner: RecordOwner,
): Promise<TRecord | undefined> => {
  for await (const [record] of fetchRecordsByIds(shopify, definition, [id], owner)) return record;
  return undefined;
};
