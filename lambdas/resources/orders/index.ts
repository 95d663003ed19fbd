/** The order resource: its neutral definition and its Shopify source, as the registry lists it. */
import type { ResourceDefinition } from '../kit/definition.js';
import { ordersDefinition } from './definition.js';
import type { OrderRecord } from './record.js';
import type { GraphqlOrder } from './shopify/mapping.js';
import { ordersShopify } from './shopify/source.js';

export const ordersResource: ResourceDefinition<GraphqlOrder, OrderRecord, 'Orders'> = {
  ...ordersDefinition,
  ...ordersShopify,
};
