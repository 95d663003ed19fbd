/** The collection resource: its neutral definition and its Shopify source, as the registry lists it. */
import type { ResourceDefinition } from '../kit/definition.js';
import { collectionsDefinition } from './definition.js';
import type { CollectionRecord } from './record.js';
import type { GraphqlCollection } from './shopify/mapping.js';
import { collectionsShopify } from './shopify/source.js';

export const collectionsResource: ResourceDefinition<GraphqlCollection, CollectionRecord, 'Collections'> = {
  ...collectionsDefinition,
  ...collectionsShopify,
};
