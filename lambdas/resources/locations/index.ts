/** Locations: the neutral definition and its Shopify source, as the registry lists them. */
import type { ResourceDefinition } from '../kit/definition.js';
import { locationsDefinition } from './definition.js';
import type { LocationRecord } from './record.js';
import type { GraphqlLocation } from './shopify/mapping.js';
import { locationsShopify } from './shopify/source.js';

export const locationsResource: ResourceDefinition<GraphqlLocation, LocationRecord, 'Locations'> = {
  ...locationsDefinition,
  ...locationsShopify,
};
