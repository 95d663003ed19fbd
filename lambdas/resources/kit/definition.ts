/**
 * What a resource is, in two parts: the neutral part (`definition.ts` of each resource: its name,
 * table, lookups, personal data and record schema), which the stores, the read API, the erasure
 * and the stack read, and the source part (shopify-source.ts: documents, costs, bulk, topics,
 * scopes), which the sync, the webhooks and the reconcile read. A second source platform would be
 * a second source part beside the first, not a fork of the resource.
 */
import type { z } from 'zod';
import type { MirroredRecord } from './mirrored-record.js';
import type { ShopifySource } from './shopify-source.js';

export type { RecordOwner } from './mirrored-record.js';
export type {
  ChildKeys,
  NestedBulkConnection,
  NodePage,
  PartWebhooks,
  ReconcileListing,
  RecordCount,
  ResourceBulkSync,
  ResourceWebhooks,
  ShopifySource,
} from './shopify-source.js';
export { hasIdListing, partWebhooks, recordsOf, resourceWebhooks } from './shopify-source.js';

/** How many records of a batch landed, were older than the stored version, or were redacted. */
export interface WriteCounts {
  readonly written: number;
  readonly stale: number;
  readonly redacted: number;
}

/**
 * Slots shared by batches written at the same time (core/sync/page-writes.ts): each write holds
 * one, so overlapping batches together keep to one concurrency.
 */
export interface WriteSlotPool {
  acquire(): Promise<void>;
  release(): void;
}

export interface UpsertManyOptions {
  /** Writes of this batch in flight at once. */
  readonly concurrency: number;
  /** Shared with other batches in flight: a write waits for a slot before it is sent. */
  readonly slots?: WriteSlotPool;
  /**
   * Given on a full sync, whose records are mostly not stored yet: a store may try creating each
   * one first (cheaper for DynamoDB than the merge), falling back to the merge where an item
   * exists, and tells the guess what it found (core/sync/page-writes.ts).
   */
  readonly newRecords?: NewRecordGuess;
}

/** Whether a sync's records are likely absent from the table, learnt from what the writes find. */
export interface NewRecordGuess {
  readonly worthTrying: boolean;
  observe(existed: boolean): void;
}

/** Where a resource's records go: the same conditional, newest-wins write as the webhooks. */
export interface RecordWriter<TRecord> {
  upsertMany(records: readonly TRecord[], options: UpsertManyOptions): Promise<WriteCounts>;
}

/** A secondary listing of the read API (`?customerId=` on orders): an index on that attribute. */
export interface RecordLookup {
  /** The record attribute, also the query parameter's name. */
  readonly attribute: string;
}

/** A list field of a record whose elements are parts: each names its id and version fields. */
export interface RecordPartList {
  /** The record's field holding the list (`fulfillments`); each part has a string `id`. */
  readonly field: string;
  /** The part's own version (`updatedAt`; a part never edited: `createdAt`). UTC ISO strings. */
  readonly version: string;
}

/**
 * The neutral part of a resource: what it is, whatever platform it comes from.
 */
export interface ResourceBase<TTable extends string = string> {
  /** Plural, lower-case: the run record's key, the read API's path, the config's name. */
  readonly name: string;
  /**
   * Mirrored only when a deployment names it (CDK context `resources`). Resources added after
   * 1.0 are: by default an upgrade would ask every installed store for scopes it never granted,
   * and show each of them as needing attention until the merchant re-approves the app.
   */
  readonly optIn?: boolean;
  /** Its DynamoDB table (`id` is the logical name) and the read API's secondary lookups. */
  readonly table: { readonly id: TTable; readonly lookups: readonly RecordLookup[] };
  /**
   * What a privacy erasure removes: `record` turns the whole item into a tombstone of ids (the
   * customer); a list names the personal fields to drop from an item that stays (an order).
   */
  readonly personalData: 'record' | readonly string[];
  /**
   * A key can come back after its record was deleted (an inventory level, keyed by item and
   * location, disconnected and connected again): any delete is then reversed by a snapshot
   * updated after it, and a delete older than the stored snapshot changes nothing (record-writes.ts).
   */
  readonly reusedKeys?: boolean;
  /**
   * List fields whose elements are parts with versions of their own (an order's fulfillments and
   * refunds), which part topics merge one at a time: a snapshot older than a merged part keeps it
   * (core/records/record-parts.ts).
   */
  readonly partLists?: readonly RecordPartList[];
  /**
   * The record's schema (its `record.ts`): the mirrored envelope plus the resource's fields, with a
   * `.describe()` the read API documents it by. The contract and the typed client are built from it.
   */
  readonly recordSchema: z.ZodObject;
}

/**
 * Everything the service needs to mirror one resource: its neutral part and its Shopify source,
 * as one object (`index.ts` of each resource spreads the two). The sync engine, the webhook
 * registry, the tables, the grants, the read API and the reconcile all read it, through
 * resources/registry.ts. Adding a resource means a folder like `resources/customers/` and one
 * line in the registry.
 */
export type ResourceDefinition<
  TNode,
  TRecord extends MirroredRecord = MirroredRecord,
  TTable extends string = string,
> = ResourceBase<TTable> & ShopifySource<TNode, TRecord>;
