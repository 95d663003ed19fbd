/**
 * The lifecycle's calls to one store's Admin GraphQL API, typed and validated. Mutations that
 * answer `userErrors` become ShopAdminError, whose message carries Shopify's text only (never
 * the token, which lives in the client's headers).
 */
import { z } from 'zod';
import {
  customerIdsPageQuery,
  customersCountQuery,
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

export const countShopifyCustomers = async (shopify: ShopifyGraphql): Promise<number> => {
  const { data } = await shopify.query(
    customersCountQuery,
    {},
    z.object({ customersCount: z.object({ count: z.number().int(), precision: z.string() }).nullable() }),
  );
  if (!data.customersCount) throw new ShopAdminError('customersCount returned null');
  return data.customersCount.count;
};

const customerGid = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/;

/** Cursor walks stay well below Shopify's 25,000-object limit; each slice restarts with `id:>last`. */
export const ID_SLICE_OBJECTS = 20_000;
const ID_PAGE_SIZE = 250;

/**
 * Every customer id of the store, in ascending id order, one page at a time. Ids are compared
 * as BigInt: they are 64-bit and must never pass through a JS number.
 */
export async function* shopifyCustomerIds(shopify: ShopifyGraphql): AsyncGenerator<string[]> {
  const schema = z.object({
    customers: z.object({ nodes: z.array(z.object({ id: z.string() })), pageInfo: pageInfoSchema }),
  });
  let lastId: string | undefined;
  let after: string | null = null;
  let inSlice = 0;
  for (;;) {
    const query = lastId === undefined ? null : `id:>${lastId}`;
    const variables: Record<string, unknown> = { first: ID_PAGE_SIZE, after, query };
    const { data }: { data: z.infer<typeof schema> } = await shopify.query(
      customerIdsPageQuery,
      variables,
      schema,
      { expectedCost: ID_PAGE_SIZE + 2 },
    );
    const ids = data.customers.nodes.map((node: { id: string }) => {
      const match = customerGid.exec(node.id);
      if (!match?.[1]) throw new ShopAdminError('customers returned a node id that is not a Customer gid');
      return match[1];
    });
    if (ids.length > 0) yield ids;
    const { hasNextPage, endCursor }: { hasNextPage: boolean; endCursor: string | null } =
      data.customers.pageInfo;
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
