/**
 * Every resource the service can mirror. A deployment picks some of them (CDK context
 * `resources`); webhook topics, tables, grants, read routes and the sync follow this list.
 */
import { customersResource } from './customers.js';

export const resourceDefinitions = [customersResource] as const;

export type ResourceName = (typeof resourceDefinitions)[number]['name'];

export const resourceNames = resourceDefinitions.map((definition) => definition.name) as [
  ResourceName,
  ...ResourceName[],
];
