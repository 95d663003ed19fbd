/**
 * The Shopify Admin GraphQL port, shared by the sync, the integration lifecycle and the
 * reconcile (adapters/shopify/admin-client.ts implements it), with the cost types Shopify reports.
 */
import type { z } from 'zod';

/** What one GraphQL call cost and how long it waited: the sync run records these. */
export interface GraphqlCallStats {
  /** Points actually charged by Shopify (`actualQueryCost`). */
  readonly costUsed: number;
  /** Waits for the leaky bucket to refill, before a request or after a THROTTLED / 429 answer. */
  readonly throttleWaits: number;
  readonly throttleWaitMs: number;
  /** Responses Shopify refused as THROTTLED (the pacing aims to keep this at zero). */
  readonly throttledResponses: number;
  /** Re-sent requests after transient failures (5xx, timeouts, resets, truncated bodies). */
  readonly retries: number;
}

export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

export interface GraphqlCost {
  readonly requestedQueryCost: number;
  readonly actualQueryCost: number | null;
  readonly throttleStatus: ThrottleStatus;
}

export interface GraphqlResult<T> {
  readonly data: T;
  readonly cost: GraphqlCost | null;
  readonly stats: GraphqlCallStats;
}

export interface GraphqlQueryOptions {
  /** Requested cost the next call is expected to have, so the client waits for the bucket first. */
  readonly expectedCost?: number;
}

/** Points the store's bucket can pay for now, as the client estimates them. */
export interface BucketEstimate {
  /** Conservative: never more than the bucket holds when the next request reaches Shopify. */
  readonly available: number;
  readonly maximum: number;
}

/** The Shopify Admin GraphQL API of one store (adapters/shopify/admin-client.ts). */
export interface ShopifyGraphql {
  query<T>(
    document: string,
    variables: Record<string, unknown>,
    dataSchema: z.ZodType<T>,
    options?: GraphqlQueryOptions,
  ): Promise<GraphqlResult<T>>;
  /**
   * The bucket as last reported, projected to now; undefined before the first response. Optional:
   * without it callers fall back to the throttle status of the last result.
   */
  availableNow?(): BucketEstimate | undefined;
}

export const emptyCallStats: GraphqlCallStats = {
  costUsed: 0,
  throttleWaits: 0,
  throttleWaitMs: 0,
  throttledResponses: 0,
  retries: 0,
};
