/**
 * Starting and following one bulk operation (GraphQL Admin 2026-10). Shared by the bulk sync
 * strategy and the reconcile's id listing; each keeps its own checkpoint around these calls.
 */
import * as z from 'zod';
import { bulkOperationQuery, bulkOperationRunQueryMutation } from '../../shopify/queries/bulk-operations.js';
import type { GraphqlCallStats, ShopifyGraphql } from '../../shopify/graphql.js';

const userErrorSchema = z.object({ message: z.string(), code: z.string().nullish() });
const runSchema = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: z.object({ id: z.string(), status: z.string(), createdAt: z.string() }).nullable(),
    userErrors: z.array(userErrorSchema),
  }),
});
const operationSchema = z.object({
  bulkOperation: z
    .object({
      id: z.string(),
      status: z.string(),
      errorCode: z.string().nullable(),
      createdAt: z.string(),
      url: z.string().nullable(),
      partialDataUrl: z.string().nullable(),
    })
    .nullable(),
});

export type BulkOperationState = NonNullable<z.infer<typeof operationSchema>['bulkOperation']>;

/** Shopify's answers to a start while another operation of the app and shop runs. */
const BUSY_CODES = new Set(['OPERATION_IN_PROGRESS', 'LIMIT_REACHED']);

export const isRunning = (status: string): boolean =>
  status === 'CREATED' || status === 'RUNNING' || status === 'CANCELING';

/** `busy`: another bulk operation of this app and shop runs; wait and ask again (not a failure). */
export const startBulkOperation = async (
  graphql: ShopifyGraphql,
  query: string,
  { groupObjects = false }: { readonly groupObjects?: boolean } = {},
): Promise<{
  readonly started: { readonly id: string; readonly createdAt: string } | 'busy';
  readonly stats: GraphqlCallStats;
}> => {
  const { data, stats } = await graphql.query(
    bulkOperationRunQueryMutation,
    { query, groupObjects },
    runSchema,
  );
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (bulkOperation) return { started: bulkOperation, stats };
  if (userErrors.some((e) => BUSY_CODES.has(e.code ?? ''))) return { started: 'busy', stats };
  throw new Error(`bulkOperationRunQuery refused: ${userErrors.map((e) => e.message).join('; ')}`);
};

export const pollBulkOperation = async (
  graphql: ShopifyGraphql,
  id: string,
): Promise<{ readonly operation: BulkOperationState | null; readonly stats: GraphqlCallStats }> => {
  const { data, stats } = await graphql.query(bulkOperationQuery, { id }, operationSchema);
  return { operation: data.bulkOperation, stats };
};

/** Waits between polls: doubling from `first` up to `max`. */
export const pollDelays = (first: number, max: number) => {
  let next = first;
  return {
    next: () => {
      const delay = next;
      next = Math.min(next * 2, max);
      return delay;
    },
    reset: () => {
      next = first;
    },
  };
};
