/**
 * The lifecycle's calls to one store's Admin GraphQL API, typed and validated. Mutations that
 * answer `userErrors` become ShopAdminError, whose message carries Shopify's text only (never
 * the token, which lives in the client's headers).
 */
import { z } from 'zod';
import type { ReconcileListing } from '../resources/resource-definition.js';
import {
  shopIdentityQuery,
  webhookSubscriptionCreateMutation,
  webhookSubscriptionDeleteMutation,
  webhookSubscriptionsQuery,
} from '../../shopify/queries/lifecycle.js';
import type { ShopifyGraphql } from '../shopify-graphql.js';

export class ShopAdminError extends Error {
  override readonly name = 'ShopAdminError';
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
}

const userErrorsSchema = z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string() }));
const subscriptionSchema = z.object({ id: z.string(), topic: z.string(), uri: z.string() });
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
): Promise<WebhookSubscriptionSummary> => {
  const { data } = await shopify.query(
    webhookSubscriptionCreateMutation,
    { topic, uri },
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
export const countShopifyRecords = async (
  shopify: ShopifyGraphql,
  listing: ReconcileListing,
): Promise<number> => {
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
const ID_PAGE_SIZE = 250;

/**
 * Every id of a resource in the store, in ascending id order, one page at a time. Ids are
 * compared as BigInt: they are 64-bit and must never pass through a JS number.
 */
export async function* shopifyRecordIds(
  shopify: ShopifyGraphql,
  resource: { readonly gidType: string; readonly reconcile: ReconcileListing },
): AsyncGenerator<string[]> {
  const field = resource.reconcile.idsConnectionField;
  const gidPattern = new RegExp(`^gid://shopify/${resource.gidType}/(\\d{1,20})$`);
  const schema = z.object({
    [field]: z.object({ nodes: z.array(z.object({ id: z.string() })), pageInfo: pageInfoSchema }),
  });
  let lastId: string | undefined;
  let after: string | null = null;
  let inSlice = 0;
  for (;;) {
    const query = lastId === undefined ? null : `id:>${lastId}`;
    const variables: Record<string, unknown> = { first: ID_PAGE_SIZE, after, query };
    const { data } = await shopify.query(resource.reconcile.idsQuery, variables, schema, {
      expectedCost: ID_PAGE_SIZE + 2,
    });
    const connection = data[field] as {
      nodes: { id: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const ids = connection.nodes.map((node) => {
      const match = gidPattern.exec(node.id);
      if (!match?.[1])
        throw new ShopAdminError(`${field} returned a node id that is not a ${resource.gidType} gid`);
      return match[1];
    });
    if (ids.length > 0) yield ids;
    const { hasNextPage, endCursor } = connection.pageInfo;
    if (!hasNextPage || ids.length === 0) return;
    inSlice += ids.length;
    if (inSlice >= ID_SLICE_OBJECTS || endCursor === null) {
      lastId = ids.reduce((max: string, id: string) => (BigInt(id) > BigInt(max) ? id : max));
      after = null;
      inSlice = 0;
    } else {
      after = endCursor;
    }
  }
}
