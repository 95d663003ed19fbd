/**
 * The chaos modules, one line per registered resource (`lambdas/resources/registry.ts`). A seed
 * refuses to start when a registered resource has no module here: a resource chaos does not churn
 * would pass its mirror check without having been tested.
 */
import type { MetafieldNamespaces } from '../../../lambdas/resources/kit/metafields.js';
import type { ChaosModule } from './kit.js';
import { metafieldsChaos } from './metafields.js';
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
];

/**
 * The module of every registered resource, in registry order, then the metafields' where the
 * deployment mirrors some (they ride on their owners' records: no resource of their own); throws
 * naming the resources without a module.
 */
export const chaosModulesFor = (
  registered: readonly string[],
  namespaces: MetafieldNamespaces = {},
): readonly ChaosModule[] => {
  const missing = registered.filter((name) => !chaosModules.some((module) => module.resource === name));
  if (missing.length > 0)
    throw new Error(`chaos: no chaos module for ${missing.join(', ')} (add one to bench/chaos/resources/)`);
  const metafields = metafieldsChaos(namespaces);
  return [
    ...registered.map((name) => chaosModules.find((module) => module.resource === name)!),
    ...(metafields ? [metafields] : []),
  ];
};
