import { type ChaosModule, churnedRecords } from './kit.js';

/**
 * Inventory items (one per variant): created with a level at every active location, their cost,
 * sku and tracking edited, deleted with their levels (a variant or product deleted).
 */
export const inventoryItemsChaos: ChaosModule = churnedRecords({
  resource: 'inventory-items',
  weight: 0.07,
  live: (shop) => shop.resources.inventory.items(),
  create: ({ shop, random, n }) =>
    shop.resources.inventory.createItem({ sku: `SKU-${n}`, costCents: random.int(0, 5000) }),
  update({ shop, random, n }, item) {
    shop.resources.inventory.updateItem(
      item.id,
      random.pick([
        { sku: random.chance(0.2) ? null : `SKU-${n}` },
        { tracked: random.chance(0.5) },
        { costCents: random.chance(0.1) ? null : random.int(0, 10_000) },
      ]),
    );
  },
  delete: ({ shop }, item) => shop.resources.inventory.deleteItem(item.id),
});
