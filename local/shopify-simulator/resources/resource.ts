/**
 * The contract between a simulated shop and the resources that plug into it. A shop is identity,
 * clock, ids, webhook subscriptions, deliveries and faults; everything Shopify stores for a
 * merchant (customers, orders, products, inventory…) is a resource module under this folder that
 * receives a `ShopContext` and answers with a `SimulatedResource`. The registry (`index.ts`)
 * builds one of each per shop; the GraphQL root, `node(id)`, webhook topic scopes and the control
 * API are all assembled from those answers, so a new resource touches nothing outside its module
 * and one registry line.
 */
import type { z } from 'zod';
import type { PaginationLimit } from '../connection.js';
import type { SeededRandom } from '../random.js';

export type Args = Record<string, unknown>;
export type View = Record<string, unknown>;
/** A QueryRoot or Mutation field, as a graphql-js root value function. */
export type RootField = (args: Args) => unknown;

/** What a resource may use of its shop. */
export interface ShopContext {
  readonly ianaTimezone: string;
  readonly currencyCode: string;
  /** Root fields refused whatever the grant says (e.g. `orders`). */
  readonly deniedFields: readonly string[];
  readonly maxPaginatedObjects: number;
  paginationLimit(): PaginationLimit;
  /** `write_x` includes `read_x`, as in Shopify. */
  hasScope(scope: string): boolean;
  /** The next update time: whole seconds, strictly after every earlier update of the shop. */
  stamp(): number;
  /** A seeded record was last updated at `at`: later stamps come after it. */
  noteUpdate(at: number): void;
  /** The simulator's clock, for seeding "now". */
  now(): number;
  /** Delivers `body` to the subscriptions of `topic` (GraphQL enum name, e.g. `ORDERS_CREATE`). */
  emit(topic: string, body: string): void;
}

/** How a resource is built: its shop, the shop's seeded randomness, and the shop's id block. */
export interface ResourceSetup {
  readonly shop: ShopContext;
  /** Shared by every resource of the shop, drawn in registry order, so a seed gives one shop. */
  readonly random: SeededRandom;
  /** This shop's place among the simulator's shops: which block of ids it hands out. */
  readonly idBlock: bigint;
}

/**
 * List, create, update and delete of one resource over the control API
 * (`/_simulator/shops/{domain}/{path}`), each mutation sending its webhook as in Shopify. Records
 * go out as JSON (timestamps ISO, ids decimal strings); `controlRecords` builds one from typed parts.
 */
export interface ControlRecords {
  readonly path: string;
  /** Parses a create or update body; the control API answers 400 with its issues. */
  readonly input: z.ZodType;
  list(): readonly unknown[];
  create(input: unknown): unknown;
  update(id: string, input: unknown): unknown;
  /** The id of the deleted record. */
  remove(id: string): string;
}

/** What a resource's control routes call: its own list, create, update and delete. */
export interface RecordsOf<TInput, TRecord extends { readonly id: string }> {
  list(): readonly TRecord[];
  create(input: TInput): TRecord;
  update(id: string, input: TInput): TRecord;
  delete(id: string): TRecord;
}

export const controlRecords = <TInput, TRecord extends { readonly id: string }>(spec: {
  readonly path: string;
  readonly input: z.ZodType<TInput>;
  readonly json: (record: TRecord) => unknown;
  readonly records: RecordsOf<TInput, TRecord>;
}): ControlRecords => ({
  path: spec.path,
  input: spec.input,
  list: () => spec.records.list().map(spec.json),
  // The control API parsed the body with `input` before calling these.
  create: (input) => spec.json(spec.records.create(input as TInput)),
  update: (id, input) => spec.json(spec.records.update(id, input as TInput)),
  remove: (id) => spec.records.delete(id).id,
});

/** A record as the control API answers it: its epoch-millisecond times as ISO text. */
export const withIsoTimes = <TRecord extends { readonly createdAt: number; readonly updatedAt: number }>(
  record: TRecord,
) => ({
  ...record,
  createdAt: new Date(record.createdAt).toISOString(),
  updatedAt: new Date(record.updatedAt).toISOString(),
});

/** What a resource module hands its shop. */
export interface SimulatedResource {
  /** Its QueryRoot fields; `unbounded`: a bulk operation's run, every item with no page limit. */
  rootFields(unbounded: boolean): Record<string, RootField>;
  /** `node(id)`/`nodes(ids)`: the view, null when gone, undefined when the id is not its kind. */
  nodeById(id: string): View | null | undefined;
  /** Webhook topic prefixes (GraphQL enum, e.g. `ORDERS_`) and the scope Shopify asks for them. */
  readonly topicScopes: Readonly<Record<string, string>>;
  /** The control API's record routes, if the resource offers them. */
  readonly controlRecords: readonly ControlRecords[];
}

/** A record the caller named is not in this shop (the control API answers 404). */
export class SimRecordNotFoundError extends Error {
  override readonly name: string = 'SimRecordNotFoundError';
}
