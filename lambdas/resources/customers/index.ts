/** The customer resource: its neutral definition and its Shopify source, as the registry lists it. */
import type { ResourceDefinition } from '../kit/definition.js';
import { customersDefinition } from './definition.js';
import type { CustomerRecord } from './record.js';
import type { GraphqlCustomer } from './shopify/mapping.js';
import { customersShopify } from './shopify/source.js';

export const customersResource: ResourceDefinition<GraphqlCustomer, CustomerRecord, 'Customers'> = {
  ...customersDefinition,
  ...customersShopify,
};
