/**
 * Every resource the service can mirror. A deployment picks some of them (CDK context
 * `resources`); webhook topics, tables, grants, read routes and the sync follow this list.
 */
import { customersResource } from './customers.js';

export const resourceDefinitions = [customersResource] as const;

export type ResourceName = (typeof resourceDefinitions)[number]['name'];
export type ResourceTableId = (typeof resourceDefinitions)[number]['table']['id'];

export type AnyResourceDefinition = (typeof resourceDefinitions)[number];

export const definitionOf = (name: string): AnyResourceDefinition => {
  const definition = resourceDefinitions.find((d) => d.name === name);
  if (!definition) throw new Error(`No resource named ${name}`);
  return definition;
};

export const resourceNames = resourceDefinitions.map((definition) => definition.name) as [
  ResourceName,
  ...ResourceName[],
];
