/**
 * `collections/create`, `collections/update` and `collections/delete` payloads (REST-shaped,
 * 2026-10). A collection that was a smart one also carries its legacy `rules` and `disjunctive`,
 * which the record does not keep. No body carries the members (they are the sync's). Parse bodies with `parseShopifyJson`
 * so ids stay exact. Unknown fields are allowed.
 */
import * as z from 'zod';
import {
  idsAgree,
  restIdSchema as shopifyId,
  restTextSchema as text,
  restTimestampSchema as timestamp,
} from '../../kit/shopify-fields.js';

export const collectionPayloadSchema = z
  .looseObject({
    id: shopifyId,
    admin_graphql_api_id: z.string(),
    title: z.string(),
    handle: z.string(),
    /** REST spells the order in lower case with dashes (`best-selling`, `alpha-asc`, `manual`). */
    sort_order: text,
    updated_at: timestamp,
  })
  .refine(...idsAgree('Collection'));
export type CollectionPayload = z.output<typeof collectionPayloadSchema>;

/**
 * `collections/delete`: exactly `{ id }`, as Shopify sends it. Strict: the topic header is
 * unsigned, and the shape is all that tells a delete from an update body under a swapped topic.
 */
export const collectionDeletePayloadSchema = z.strictObject({ id: shopifyId });
