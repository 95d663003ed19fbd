/**
 * The chaos modules, one line per registered resource (`lambdas/resources/registry.ts`). A seed
 * refuses to start when a registered resource has no module here: a resource chaos does not churn
 * would pass its mirror check without having been tested.
 */
import type { ChaosModule } from './kit.js';
import { customersChaos } from './customers.js';
import { ordersChaos } from './orders.js';
import { productsChaos } from './products.js';
import { locationsChaos } from './locations.js';
import { inventoryItemsChaos } from './inventory-items.js';
import { inventoryLevelsChaos } from './inventory-levels.js';
import { collectionsChaos } from './collections.js';

export const chaosModules: readonly ChaosModule[] = [
  customersChaos,
  ordersChaos,
  productsChaos,
  locationsChaos,
  inventoryItemsChaos,
  inventoryLevelsChaos,
  collectionsChaos,
  // Metafields (customers', orders' and products' through metafieldsSet/metafieldsDelete) get a
  // module of their own here, `metafields.ts`, when that resource is registered.
];

/** The module of every registered resource, in registry order; throws naming the ones without. */
export const chaosModulesFor = (registered: readonly string[]): readonly ChaosModule[] => {
  const missing = registered.filter((name) => !chaosModules.some((module) => module.resource === name));
  if (missing.length > 0)
    throw new Error(`chaos: no chaos module for ${missing.join(', ')} (add one to bench/chaos/resources/)`);
  return registered.map((name) => chaosModules.find((module) => module.resource === name)!);
};
