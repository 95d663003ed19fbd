/**
 * An owner's Shopify source with its metafields: the same source, reading the configured
 * namespaces too. The owner builds its documents with the metafield selections (./metafields.ts)
 * and this adds the rest once for the three owners: the node schema, the paging of an owner with
 * more metafields than its page holds, the cost, the bulk children, the webhook body's
 * `metafields`, and the namespaces its subscriptions name. Built at cold start from the
 * deployment's configuration (registry.ts `configuredResources`).
 */
import * as z from 'zod';
import type { MirroredRecord, RecordOwner } from './mirrored-record.js';
import {
  graphqlMetafieldConnectionSchema,
  graphqlMetafieldSchema,
  type GraphqlMetafield,
  type Metafield,
  METAFIELDS_PAGE,
  metafieldsCostPerOwner,
  metafieldsFromGraphql,
  metafieldsFromRest,
  metafieldsPageQuery,
  restMetafieldsShape,
  type RestMetafield,
} from './metafields.js';
import { completeNested, type NestedConnection, type NestedPages } from './nested-pages.js';
import { largestPageWithin, MAX_QUERY_COST } from './query-cost.js';
import type { ResourceBulkSync, ResourceWebhooks, ShopifySource } from './shopify-source.js';

/** The owner's documents with the metafield selections in them. */
export interface MetafieldDocuments {
  readonly page: string;
  readonly byIds: string;
  /**
   * The bulk document with the metafields connection; absent when the owner's bulk query has no
   * connection left for it (bulk allows 5: orders use all of them), so its full syncs run paged.
   */
  readonly bulk?: string;
}

type WithMetafields<TNode> = TNode & { readonly metafields: NestedConnection<GraphqlMetafield> };

/** The `metafieldNamespaces` variant of an owner's source (`withMetafieldNamespaces`). */
export const withMetafields = <TNode extends { readonly id: string }, TRecord extends MirroredRecord>(
  source: ShopifySource<TNode, TRecord>,
  namespaces: readonly string[],
  documents: MetafieldDocuments,
): ShopifySource<WithMetafields<TNode>, TRecord> => {
  const pageCost = { ...source.pageCost, perNode: source.pageCost.perNode + metafieldsCostPerOwner };
  const pages = metafieldPages(namespaces);
  if (!source.toRecord) throw new Error(`${source.gidType}: metafields need a one-record mapping`);
  const toRecord = source.toRecord.bind(source);
  return {
    ...source,
    webhooks: webhooksWithMetafields(source.webhooks, namespaces),
    reconcile: { ...source.reconcile, byIdsQuery: documents.byIds },
    document: documents.page,
    nodeSchema: z.intersection(source.nodeSchema, z.object({ metafields: graphqlMetafieldConnectionSchema })),
    toRecord: (node, owner) => ({
      ...toRecord(node, owner),
      metafields: metafieldsFromGraphql(node.metafields.nodes, namespaces),
    }),
    completeNode: async (node, graphql, page) => {
      const completed = source.completeNode ? await source.completeNode(node, graphql, page) : node;
      return { ...completed, metafields: await completeNested(node.id, node.metafields, pages, graphql) };
    },
    pageCost,
    initialPageSize: largestPageWithin(pageCost, MAX_QUERY_COST),
    bulk: documents.bulk === undefined ? undefined : bulkWithMetafields(source.bulk, documents.bulk),
  };
};

/** An owner's metafields past the first page: the node (1), the connection (2), 1 a metafield. */
const metafieldPages = (namespaces: readonly string[]): NestedPages<GraphqlMetafield> => ({
  document: metafieldsPageQuery(namespaces),
  parentField: 'node',
  connectionField: 'metafields',
  nodeSchema: graphqlMetafieldSchema,
  pageSize: METAFIELDS_PAGE,
  cost: { perQuery: 1 + 2, perNode: 1 },
});

/**
 * The metafields' lines follow their owner's line with `__parentId`; beside another connection
 * of the owner (a product's variants) they are told apart by `__typename`.
 */
const bulkWithMetafields = (
  bulk: ResourceBulkSync | undefined,
  query: string,
): ResourceBulkSync | undefined => {
  if (!bulk) return undefined;
  const { children } = bulk;
  const metafields = { connection: 'metafields', typename: 'Metafield' };
  return {
    ...bulk,
    query,
    children: children
      ? { ...children, alongside: [...(children.alongside ?? []), metafields] }
      : { connection: 'metafields' },
  };
};

/**
 * The body's `metafields` hold the subscription's namespaces. A body without them (a subscription
 * not yet repaired to name the namespaces) leaves the stored metafields as they are: the record
 * then has no `metafields`, and the store writes only the fields a record has.
 */
const webhooksWithMetafields = <TRecord>(
  webhooks: ResourceWebhooks<TRecord>,
  namespaces: readonly string[],
): ResourceWebhooks<TRecord> => ({
  ...webhooks,
  metafieldNamespaces: namespaces,
  payloadSchema: z.intersection(webhooks.payloadSchema, z.looseObject(restMetafieldsShape)),
  toRecord: (payload: unknown, owner: RecordOwner): TRecord => {
    const record = webhooks.toRecord(payload, owner);
    const { metafields } = payload as { readonly metafields?: readonly RestMetafield[] | null };
    if (!metafields) return record;
    return { ...record, metafields: metafieldsFromRest(metafields, namespaces) satisfies Metafield[] };
  },
});
