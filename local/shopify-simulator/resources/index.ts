/**
 * The simulated resources of a shop, one line each. A resource is a module of this folder that
 * takes a `ResourceSetup` (and the resources it reads, named as constants above the list) and implements
 * `SimulatedResource`; the shop assembles GraphQL fields, `node(id)`, webhook topic scopes and
 * control routes from what is listed here. Lines run in order and share the shop's seeded
 * randomness: add a resource at the end so existing seeds keep giving the same shops.
 */
import type { CreateShopOptions } from '../shop-options.js';
import { SimCollections } from './collections.js';
import { SimCustomers } from './customers.js';
import { SimInventory } from './inventory.js';
import { SimOrders } from './orders.js';
import { SimProducts } from './products.js';
import type { ResourceSetup } from './resource.js';

export function buildResources(setup: ResourceSetup, options: CreateShopOptions) {
  const customers = new SimCustomers(setup, options.seedCustomers);
  const products = new SimProducts(setup, options.seedProducts);
  return {
    customers,
    products,
    inventory: new SimInventory(setup, options.seedInventory),
    orders: new SimOrders(setup, customers, options.seedOrders),
    collections: new SimCollections(setup, products, options.seedCollections),
  };
}

export type SimulatedResources = ReturnType<typeof buildResources>;
