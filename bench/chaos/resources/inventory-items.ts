import { type ChaosModule, churn } from './kit.js';

/**
 * Inventory items (one per variant): created with a level at every active location, their cost,
 * sku and tracking edited, deleted with their levels (a variant or product deleted).
 */
export const inventoryItemsChaos: ChaosModule = {
  resource: 'inventory-items',
  weight: 0.07,
  mutate({ shop, random, n }) {
    const inventory = shop.resources.inventory;
    const live = inventory.items();
    const kind = churn(random, live.length);
    if (kind === 'create') inventory.createItem({ sku: `SKU-${n}`, costCents: random.int(0, 5000) });
    else if (kind === 'delete') inventory.deleteItem(random.pick(live).id);
    else
      inventory.updateItem(
        random.pick(live).id,
        random.pick([
          { sku: random.chance(0.2) ? null : `SKU-${n}` },
          { tracked: random.chance(0.5) },
          { costCents: random.chance(0.1) ? null : random.int(0, 10_000) },
        ]),
      );
    return kind;
  },
};
