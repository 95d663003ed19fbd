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
import { SimMetafields } from './metafields.js';
import { SimOrders } from './orders.js';
import { SimProducts } from './products.js';
import type { ResourceSetup } from './resource.js';

export function buildResources(setup: ResourceSetup, options: CreateShopOptions) {
  const customers = new SimCustomers(setup, options.seedCustomers);
  const products = new SimProducts(setup, options.seedProducts);
  const inventory = new SimInventory(setup, options.seedInventory);
  const orders = new SimOrders(setup, customers, options.seedOrders);
  const collections = new SimCollections(setup, products, options.seedCollections);
  // Last, and drawing nothing from the shop's randomness: seeds give the same shops as before.
  const owners = [customers, orders, products] as const;
  const metafields = new SimMetafields(
    setup,
    {
      Customer: metafieldOwner(customers),
      Order: metafieldOwner(orders),
      Product: metafieldOwner(products),
    },
    options.seedMetafieldNamespace === undefined
      ? undefined
      : {
          namespace: options.seedMetafieldNamespace,
          ownerGids: owners.flatMap((kind) =>
            kind
              .list()
              .slice(0, 3)
              .map((record) => ({ gid: gidOf(kind, record.id), at: record.updatedAt })),
          ),
        },
  );
  return { customers, products, inventory, orders, collections, metafields };
}

export type SimulatedResources = ReturnType<typeof buildResources>;

/** An owner of metafields: exists, and an update with no field changed (bumps and notifies). */
const metafieldOwner = (kind: { get(id: string): unknown; update(id: string, patch: object): unknown }) => ({
  exists: (id: string) => kind.get(id) !== undefined,
  touch: (id: string) => void kind.update(id, {}),
});

const gidOf = (kind: SimCustomers | SimOrders | SimProducts, id: string): string =>
  `gid://shopify/${kind instanceof SimCustomers ? 'Customer' : kind instanceof SimOrders ? 'Order' : 'Product'}/${id}`;
