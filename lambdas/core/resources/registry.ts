/**
 * Every resource the service can mirror. A deployment picks some of them (CDK context
 * `resources`); webhook topics, tables, grants, read routes and the sync follow this list.
 */
import type { MirroredRecord } from './mirrored-record.js';
import type { ResourceDefinition } from './resource-definition.js';
import { customersResource } from './customers.js';
import { ordersResource } from './orders.js';
import { productsResource } from './products.js';
import { locationsResource } from '../../resources/locations/index.js';
import { inventoryItemsResource } from '../../resources/inventory-items/index.js';
import { inventoryLevelsResource } from '../../resources/inventory-levels/index.js';

export const resourceDefinitions = [
  customersResource,
  ordersResource,
  productsResource,
  locationsResource,
  inventoryItemsResource,
  inventoryLevelsResource,
] as const;

export type ResourceName = (typeof resourceDefinitions)[number]['name'];
export type ResourceTableId = (typeof resourceDefinitions)[number]['table']['id'];

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
