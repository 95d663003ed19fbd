/**
 * Every resource the service can mirror: one import and one list entry per resource folder. A
 * deployment picks some of them (CDK context `resources`); webhook topics, tables, grants, read
 * routes, the read API's contract and the sync follow this list. The engine, stores, webhook
 * path, handlers and stack reach resources only through this module (and the neutral types of
 * ./kit/), never a resource folder directly.
 */
import type { MirroredRecord } from './kit/mirrored-record.js';
import type { ResourceDefinition } from './kit/definition.js';
import { customersResource } from './customers/index.js';
import { ordersResource } from './orders/index.js';
import { productsResource } from './products/index.js';
import { locationsResource } from './locations/index.js';
import { inventoryItemsResource } from './inventory-items/index.js';
import { inventoryLevelsResource } from './inventory-levels/index.js';
import { collectionsResource } from './collections/index.js';
import { type MetafieldNamespaces, namespacesOf } from './kit/metafields.js';

export const resourceDefinitions = [
  customersResource,
  ordersResource,
  productsResource,
  locationsResource,
  inventoryItemsResource,
  inventoryLevelsResource,
  collectionsResource,
] as const;

export type ResourceName = (typeof resourceDefinitions)[number]['name'];
export type ResourceTableId = (typeof resourceDefinitions)[number]['table']['id'];

/** The record type of the resource stored in a table (`RecordOfTable<'Customers'>`). */
export type RecordOfTable<TTable extends ResourceTableId> =
  Extract<
    (typeof resourceDefinitions)[number],
    { readonly table: { readonly id: TTable } }
  > extends ResourceDefinition<infer _TNode, infer TRecord, TTable>
    ? TRecord
    : never;

/** Every definition at its common shape (records are MirroredRecords), for generic wiring. */
export type AnyResourceDefinition = ResourceDefinition<unknown, MirroredRecord, ResourceTableId>;
export const registeredResources: readonly AnyResourceDefinition[] = resourceDefinitions;

export const resourceNames = resourceDefinitions.map((definition) => definition.name) as [
  ResourceName,
  ...ResourceName[],
];

/** What a deployment mirrors when it does not say (CDK context `resources`): all but the opt-in ones. */
export const defaultResourceNames = resourceDefinitions
  .filter((definition: { readonly optIn?: boolean }) => definition.optIn !== true)
  .map((definition) => definition.name) as [ResourceName, ...ResourceName[]];

/** A registered definition by name. */
export const definitionOf = (name: ResourceName): AnyResourceDefinition => {
  const definition = registeredResources.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`No resource named ${name}`);
  return definition;
};

/**
 * The registered definitions as a deployment configures them: an owner of metafields
 * (customers, orders, products) reads the namespaces configured for it (CDK context
 * `metafieldNamespaces`) in its documents and webhooks; without any it is its plain definition.
 */
export const configuredResources = (namespaces: MetafieldNamespaces): readonly AnyResourceDefinition[] =>
  registeredResources.map((definition) => {
    const configured = namespacesOf(namespaces, definition.name);
    if (configured.length === 0 || !definition.withMetafieldNamespaces) return definition;
    return { ...definition, ...definition.withMetafieldNamespaces(configured) };
  });
