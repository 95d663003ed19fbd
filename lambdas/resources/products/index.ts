/** The product resource: its neutral definition and its Shopify source, as the registry lists it. */
import type { ResourceDefinition } from '../kit/definition.js';
import { productsDefinition } from './definition.js';
import type { ProductRecord } from './record.js';
import type { GraphqlProduct } from './shopify/mapping.js';
import { productsShopify } from './shopify/source.js';

export const productsResource: ResourceDefinition<GraphqlProduct, ProductRecord, 'Products'> = {
  ...productsDefinition,
  ...productsShopify,
};
