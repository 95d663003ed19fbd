/** Both ways into the collection record: a GraphQL node (sync) and a REST payload (webhook). */
import * as z from 'zod';
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { blankToNull, byNumericId, toUtcIso } from '../../kit/normalize.js';
import { gidSchema, numericIdOfGid, timestampSchema } from '../../kit/shopify-fields.js';
import { type CollectionRecord, MAX_MEMBERS_IN_ITEM } from '../record.js';
import type { CollectionPayload } from './payloads.js';

export const gidType = 'Collection';

export const graphqlMemberSchema = z.object({ id: gidSchema });
export type GraphqlMember = z.infer<typeof graphqlMemberSchema>;

export const graphqlCollectionSchema = z.object({
  id: gidSchema,
  title: z.string(),
  handle: z.string(),
  sortOrder: z.string().nullish(),
  updatedAt: timestampSchema,
  productsCount: z.object({ count: z.number().int(), precision: z.string() }).nullish(),
  products: z.object({
    nodes: z.array(graphqlMemberSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});
export type GraphqlCollection = z.infer<typeof graphqlCollectionSchema>;

/** Ascending as numbers (ids are 64-bit decimals): the same list whatever order a read gave. */
const ascendingIds = (ids: readonly string[]): string[] => [...new Set(ids)].sort(byNumericId);

/**
 * The members as the item holds them. `node.products` holds every member by now, or
 * MAX_MEMBERS_IN_ITEM + 1 of them when there are more (the definition stops paging there): then
 * the ids are left out and Shopify's count stands for them.
 */
const membersOf = (node: GraphqlCollection) => {
  const ids = node.products.nodes.map((member) => numericIdOfGid(member.id));
  if (ids.length > MAX_MEMBERS_IN_ITEM || node.products.pageInfo.hasNextPage)
    return { productIds: null, productsCount: Math.max(node.productsCount?.count ?? 0, ids.length) };
  const productIds = ascendingIds(ids);
  return { productIds, productsCount: productIds.length };
};

export const fromGraphql = (node: GraphqlCollection, owner: RecordOwner): CollectionRecord =>
  toRecord<CollectionRecord>(
    gidType,
    {
      shopifyId: numericIdOfGid(node.id),
      title: node.title,
      handle: node.handle,
      sortOrder: blankToNull(node.sortOrder),
      ...membersOf(node),
      shopifyUpdatedAt: toUtcIso(node.updatedAt),
    },
    owner,
  );

/** REST's lower-case, dashed spelling (`best-selling`, `alpha-asc`) as GraphQL's enum value. */
const enumValue = (value: string): string => value.toUpperCase().replaceAll('-', '_');

/** What the webhook knows: the collection itself; its members stay as the sync last read them. */
export const fromWebhook = (payload: CollectionPayload, owner: RecordOwner): CollectionRecord =>
  toRecord<CollectionRecord>(
    gidType,
    {
      shopifyId: payload.id,
      title: payload.title,
      handle: payload.handle,
      sortOrder: payload.sort_order ? enumValue(payload.sort_order) : null,
      shopifyUpdatedAt: toUtcIso(payload.updated_at),
    },
    owner,
  );
