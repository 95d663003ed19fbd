/**
 * The Shopify part of a resource: how its records are read from Shopify's Admin GraphQL API (the
 * page, nested-page, bulk, count and id-listing documents, their cost) and received from its
 * webhooks (topics and REST payload schemas), and the access scopes those reads need.
 */
import type { z } from 'zod';
import type { MirroredRecord, RecordOwner } from './mirrored-record.js';
import type { PageCost } from './query-cost.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';

/**
 * The resource's webhooks, REST-shaped. Create and update topics carry the whole resource and are
 * upserted with the sync's rules; the delete topic carries its id. The payload schemas are data,
 * so the fuzz and the docs read the same ones the handler parses with.
 */
export interface ResourceWebhooks<TRecord> {
  readonly upsertTopics: readonly string[];
  readonly payloadSchema: z.ZodType;
  /** Maps a payload that `payloadSchema` accepted to the same record the sync writes. */
  toRecord(payload: unknown, owner: RecordOwner): TRecord;
  readonly deleteTopic: string;
  readonly deletePayloadSchema: z.ZodType<{ readonly id: string }>;
  /** Topics that carry one part of a record (a refund of an order), merged into the stored record. */
  readonly parts?: readonly PartWebhooks<TRecord>[];
  /**
   * The metafield namespaces the upsert topics' bodies must carry (`metafieldNamespaces` of their
   * subscriptions): the health check repairs a subscription that names others.
   */
  readonly metafieldNamespaces?: readonly string[];
}

/**
 * A topic whose body is one part of a record (refunds/create: one refund of an order). The part
 * is merged into the stored record by its own id and version, under the record's own write rule:
 * the merged record keeps the stored `shopifyUpdatedAt`, so a newer snapshot written meanwhile
 * makes the write stale and the merge starts again from it (core/webhooks/resource-topics.ts). A
 * part never creates its record: the record's own topics and the sync do.
 */
export interface PartWebhooks<TRecord> {
  readonly topics: readonly string[];
  readonly payloadSchema: z.ZodType;
  /** The numeric id of the record the part belongs to (`order_id`). */
  recordIdOf(payload: unknown): string;
  /**
   * The stored record with the part in it, or undefined when it already holds this part at the
   * same or a newer version (nothing to write).
   */
  merge(stored: TRecord, payload: unknown): TRecord | undefined;
}

/** Declares a part topic with the payload type checked against its schema. */
export const partWebhooks = <TPayload, TRecord>(
  part: Omit<PartWebhooks<TRecord>, 'payloadSchema' | 'recordIdOf' | 'merge'> & {
    readonly payloadSchema: z.ZodType<TPayload>;
    recordIdOf(payload: TPayload): string;
    merge(stored: TRecord, payload: TPayload): TRecord | undefined;
  },
): PartWebhooks<TRecord> => part;

/** Declares a resource's webhooks with the payload type checked against its schema. */
export const resourceWebhooks = <TPayload, TRecord>(
  webhooks: Omit<ResourceWebhooks<TRecord>, 'payloadSchema' | 'toRecord'> & {
    readonly payloadSchema: z.ZodType<TPayload>;
    toRecord(payload: TPayload, owner: RecordOwner): TRecord;
  },
): ResourceWebhooks<TRecord> => webhooks;

/**
 * How many records Shopify holds: the count a full sync sizes itself by (bulk or pages) and the
 * reconcile compares with the mirror's. Takes no variables; answers `{ <countField>: { count, precision } }`.
 */
export interface RecordCount {
  readonly countQuery: string;
  readonly countField: string;
}

/** What the id-set reconcile asks Shopify: a count, and every id in id order (cheap, ids only). */
export interface ReconcileListing extends RecordCount {
  /**
   * Takes `$first`, `$after`, `$query` (`id:>N` slices), sorted by ID; nodes are `{ id }` (with
   * `keys`: parents, `{ id, <their children's ids> }`).
   */
  readonly idsQuery: string;
  readonly idsConnectionField: string;
  /** Present when a record's key is not one node's id: see `ChildKeys`. */
  readonly keys?: ChildKeys;
  /**
   * Optional backfill: takes `$ids: [ID!]!` and answers `nodes(ids:)` with the page's fields, so
   * records Shopify lists but the mirror lacks are fetched by id and written like a page.
   */
  readonly byIdsQuery?: string;
}

/**
 * Records keyed by a parent and a child (an inventory level: `<item id>:<location id>`), which
 * Shopify neither lists on their own nor looks up by that key. The reconcile then lists the
 * parents (`idsQuery`, their ids ascending, so `id:>N` slices work) with their children, and
 * confirms a key gone by looking its parent up (`lookupQuery`, no search index) with the same
 * children selected. `countQuery` counts the parents: it sizes the listing (bulk or pages) but is
 * no count of records, so only the daily rule makes such a reconcile due.
 */
export interface ChildKeys {
  /** The parent's GraphQL type (`InventoryItem`): the gid `lookupQuery` is asked for. */
  readonly parentGidType: string;
  /** A key's parent, numeric (`<item id>` of `<item id>:<location id>`). */
  parentOf(key: string): string;
  /**
   * The keys a parent node of `idsQuery` or `lookupQuery` holds, its children paged to the end
   * (`graphql`: for the children past the node's first page).
   */
  keysOf(node: unknown, graphql: ShopifyGraphql): Promise<readonly string[]>;
  /** Takes `$ids: [ID!]!`; answers `nodes(ids:)`, each parent with the selection of `idsQuery`. */
  readonly lookupQuery: string;
  /** Requested cost of one parent in `idsQuery` and `lookupQuery`: pages are sized by it. */
  readonly parentCost: number;
  /** A line of the bulk id listing: a child's key, or undefined for a parent's line. */
  keyOfLine(line: unknown): string | undefined;
}

/**
 * How one resource is mirrored from Shopify: the sync engine, the webhook registry and the
 * reconcile read it.
 *
 * The document must take `$first: Int!`, `$after: String`, `$query: String`, sort ascending by
 * update time, and return a connection with `nodes` and `pageInfo { hasNextPage endCursor }`
 * under `connectionField`.
 */
export interface ShopifySource<TNode, TRecord extends MirroredRecord = MirroredRecord> {
  /** The GraphQL type (`gid://shopify/<gidType>/<id>`). */
  readonly gidType: string;
  /**
   * Shopify access scopes its reads need (core/integrations/access-scopes.ts): the install flow asks
   * for them and a store that did not grant one shows this resource as needing attention.
   */
  readonly scopes: readonly string[];
  /**
   * A further scope without which Shopify lists only recent records (orders: `read_all_orders`,
   * else the last 60 days); asked for and required when the deployment mirrors full history.
   */
  readonly fullHistoryScope?: string;
  readonly webhooks: ResourceWebhooks<TRecord>;
  /** The count, and the id listing of the deletion reconcile (a count alone: no id-set reconcile). */
  readonly reconcile: ReconcileListing | RecordCount;
  readonly document: string;
  readonly connectionField: string;
  readonly nodeSchema: z.ZodType<TNode>;
  /** Numeric id (string) and UTC ISO update time of a parsed node. */
  identify(node: TNode): { readonly id: string; readonly updatedAt: string };
  /** One node, one record. A definition has this or `toRecords` (read both through `recordsOf`). */
  toRecord?(node: TNode, owner: RecordOwner): TRecord;
  /** One node, several records: a location with its inventory levels. */
  toRecords?(node: TNode, owner: RecordOwner): readonly TRecord[];
  /**
   * Fetches what one page could not hold (an order's line items past the first page) before the
   * node is mapped. Called only for nodes that passed `nodeSchema`, one at a time; `page.query`
   * is the page's search filter, for nested connections that filter by it too.
   */
  completeNode?(node: TNode, graphql: ShopifyGraphql, page: NodePage): Promise<TNode>;
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
  /**
   * This source reading the metafields of `namespaces` too (customers, orders, products:
   * ./metafield-source.ts); the registry applies the deployment's configuration with it.
   */
  withMetafieldNamespaces?(namespaces: readonly string[]): ShopifySource<unknown, TRecord>;
}

/** The page a node came from, as `completeNode` sees it. */
export interface NodePage {
  /** The page's `$query` (the `updatedSince` filter), null for a listing of everything. */
  readonly query: string | null;
}

/** The records of a parsed node, whichever of `toRecord` and `toRecords` its definition has. */
export const recordsOf = <TNode, TRecord extends MirroredRecord>(
  definition: Pick<ShopifySource<TNode, TRecord>, 'toRecord' | 'toRecords'> & { readonly name: string },
  node: TNode,
  owner: RecordOwner,
): readonly TRecord[] => {
  if (definition.toRecords) return definition.toRecords(node, owner);
  if (definition.toRecord) return [definition.toRecord(node, owner)];
  throw new Error(`Resource ${definition.name} maps no node: it needs toRecord or toRecords`);
};

/** Whether the resource has an id-set reconcile, not only a count. */
export const hasIdListing = (reconcile: ReconcileListing | RecordCount): reconcile is ReconcileListing =>
  'idsQuery' in reconcile;

/**
 * A resource's bulk operations: `query` selects every record with the page's fields and no
 * pagination arguments (each JSONL line a node `nodeSchema` parses), `idsQuery` every id (the
 * reconcile's listing). The reconcile's count query decides between bulk and pages.
 */
export interface ResourceBulkSync {
  readonly query: string;
  /** Absent for a resource without an id-set reconcile. */
  readonly idsQuery?: string;
  /**
   * The nested connection `query` selects (an order's `lineItems`, a product's `variants`). Its
   * nodes come on lines of their own with `__parentId`; the operation runs with `groupObjects`
   * so they follow their parent, and each parent is gathered with all of them into the page's
   * shape (`{ nodes, pageInfo }` under this field) before `nodeSchema` and `toRecord` see it.
   */
  readonly children?: {
    readonly connection: string;
    /**
     * Connections inside a list field of the parent (an order's `fulfillments`, each with its
     * `fulfillmentLineItems`): their lines name the list item as `__parentId` and come with the
     * parent's other child lines; `__typename` (which the query must select) tells which
     * connection of the item a line belongs to. Gathered into the item's page shape too.
     */
    readonly nested?: readonly NestedBulkConnection[];
    /**
     * Further connections of the parent itself (a product's `metafields` beside its variants):
     * their lines name the parent as `__parentId` and are told apart by `__typename`.
     */
    readonly alongside?: readonly { readonly connection: string; readonly typename: string }[];
  };
}

/** One connection inside the items of a list field of a bulk parent (see `children.nested`). */
export interface NestedBulkConnection {
  readonly list: string;
  readonly connection: string;
  readonly typename: string;
}
