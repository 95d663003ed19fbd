import type { z } from 'zod';
import type { CustomerOwner } from '../customers/customer-record.js';
import type { PageCost } from './query-cost.js';

/** The store a synced record belongs to; every resource of an integration shares it. */
export type RecordOwner = CustomerOwner;

/** How many records of a batch landed, were older than the stored version, or were redacted. */
export interface WriteCounts {
  readonly written: number;
  readonly stale: number;
  readonly redacted: number;
}

/** Where a resource's records go: the same conditional, newest-wins write as the webhooks. */
export interface RecordWriter<TRecord> {
  upsertMany(records: readonly TRecord[], options: { concurrency: number }): Promise<WriteCounts>;
}

/**
 * Everything the generic sync engine needs to mirror one Shopify resource. Adding orders or
 * products means adding a definition like `customers.ts`, not copying the pipeline.
 *
 * The document must take `$first: Int!`, `$after: String`, `$query: String`, sort ascending by
 * update time, and return a connection with `nodes` and `pageInfo { hasNextPage endCursor }`
 * under `connectionField`.
 */
export interface ResourceDefinition<TNode, TRecord> {
  readonly name: string;
  readonly document: string;
  readonly connectionField: string;
  readonly nodeSchema: z.ZodType<TNode>;
  /** Numeric id (string) and UTC ISO update time of a parsed node. */
  identify(node: TNode): { readonly id: string; readonly updatedAt: string };
  toRecord(node: TNode, owner: RecordOwner): TRecord;
  /** Search filter for "updated at or after" (Shopify search syntax). */
  updatedSince(isoTimestamp: string): string;
  /**
   * The document's requested cost, declared from Shopify's cost rules (a test holds it to what
   * the simulator prices), so the first request is sized and paced before Shopify reports a cost.
   */
  readonly pageCost: PageCost;
  /** First page size: the largest whose requested cost fits Shopify's single-query cap. */
  readonly initialPageSize: number;
  /** Present when full syncs of large stores may run as a bulk operation (sync/bulk-sync.ts). */
  readonly bulk?: ResourceBulkSync;
}

/**
 * A resource's bulk strategy: the query a bulk operation runs (every record, the page's fields,
 * no pagination arguments; each JSONL line a node `nodeSchema` parses) and how to count the
 * store's records, which decides between bulk and pages.
 */
export interface ResourceBulkSync {
  readonly query: string;
  /** A query whose `countField` is `{ count }` (e.g. customersCount(limit: null)). */
  readonly countDocument: string;
  readonly countField: string;
}
