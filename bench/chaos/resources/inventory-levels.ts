import type { ChaosModule } from './kit.js';

/**
 * Inventory levels, the busiest records of a store: every sale, count and transfer moves one
 * (`inventory_levels/update`); an item is stocked at a further location (`connect`) or stops
 * being stocked at one (`disconnect`).
 */
export const inventoryLevelsChaos: ChaosModule = {
  resource: 'inventory-levels',
  weight: 0.14,
  mutate({ shop, random }) {
    const inventory = shop.resources.inventory;
    const levels = inventory.levels();
    const roll = random.next();
    if (levels.length > 0 && roll < 0.8) {
      const level = random.pick(levels);
      inventory.changeLevel(
        level.itemId,
        level.locationId,
        random.pick([
          { availableDelta: -random.int(1, 3) },
          { available: random.int(0, 500) },
          { incomingDelta: random.int(1, 50), committedDelta: random.int(-2, 2) },
        ]),
      );
      return 'update';
    }
    if (levels.length > 0 && roll < 0.9) {
      const level = random.pick(levels);
      inventory.disconnectLevel(level.itemId, level.locationId);
      return 'disconnect';
    }
    const unstocked = inventory.items().flatMap((item) =>
      inventory
        .locations()
        .filter((location) => !inventory.level(item.id, location.id))
        .map((location) => [item.id, location.id] as const),
    );
    if (unstocked.length === 0) return 'none';
    const [itemId, locationId] = random.pick(unstocked);
    inventory.connectLevel(itemId, locationId);
    return 'connect';
  },
};
