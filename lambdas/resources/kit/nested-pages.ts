/**
 * The rest of a nested connection (an order's line items, a product's variants) past the first
 * page its listing carried, one query per page. Shared by every definition with a `completeNode`.
 *
 * Pages are a fixed size. Sizing them to what the bucket holds now was measured (orders of a
 * Standard-plan store, docs/benchmarks-history.md): no faster, because a wait for points a query
 * requests but does not spend is not lost while the bucket is below its maximum; the sync is
 * bound by the points it actually spends at the restore rate.
 */
import * as z from 'zod';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import type { PageCost } from './query-cost.js';

export interface NestedConnection<TNode> {
  readonly nodes: readonly TNode[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export interface NestedPages<TNode> {
  /** Takes `$id: ID!`, `$first: Int!`, `$after: String`; answers `{ <parentField>: { <connectionField> } }`. */
  readonly document: string;
  readonly parentField: string;
  readonly connectionField: string;
  readonly nodeSchema: z.ZodType<TNode>;
  /** Nodes per query: its requested cost must stay within Shopify's 1,000-point cap. */
  readonly pageSize: number;
  /** The parent object and the connection (perQuery), one node with its objects (perNode). */
  readonly cost: PageCost;
  /**
   * Stop once more than this many nodes are held (`pageInfo.hasNextPage` then stays true): for a
   * connection the record keeps only up to a size (a collection's members).
   */
  readonly maxNodes?: number;
}

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/**
 * Every node of the parent's connection: the first page's, then the rest. A parent deleted
 * meanwhile (null) stops the paging: its delete webhook or the reconcile settles it.
 */
export async function completeNested<TNode>(
  parentId: string,
  firstPage: NestedConnection<TNode>,
  pages: NestedPages<TNode>,
  graphql: ShopifyGraphql,
  /** Further variables of every page: a filter the first page was listed under (`$query`). */
  filter: Readonly<Record<string, unknown>> = {},
): Promise<{ nodes: TNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> {
  const schema = z.object({
    [pages.parentField]: z
      .object({
        [pages.connectionField]: z.object({ nodes: z.array(pages.nodeSchema), pageInfo: pageInfoSchema }),
      })
      .nullable(),
  });
  const nodes = [...firstPage.nodes];
  let pageInfo = { ...firstPage.pageInfo };
  const enough = (pages.maxNodes ?? Number.POSITIVE_INFINITY) + 1;
  while (pageInfo.hasNextPage && nodes.length < enough) {
    const first = pages.pageSize;
    const { data } = await graphql.query(
      pages.document,
      { ...filter, id: parentId, first, after: pageInfo.endCursor },
      schema,
      { expectedCost: pages.cost.perQuery + first * pages.cost.perNode },
    );
    const parent = data[pages.parentField];
    if (!parent) break;
    const connection = parent[pages.connectionField]!;
    nodes.push(...connection.nodes);
    pageInfo = connection.pageInfo;
  }
  return { nodes, pageInfo };
}
