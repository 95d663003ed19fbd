import { type ChaosModule, churnedRecords } from './kit.js';

/** A store keeps a handful of locations: new ones are opened up to this many. */
const MAX_LOCATIONS = 5;

/**
 * Locations: opened, renamed, deactivated and reactivated (`locations/activate|deactivate` and,
 * still, `locations/update`), deleted with their stock disconnected first (Shopify's rule).
 */
export const locationsChaos: ChaosModule = churnedRecords({
  resource: 'locations',
  weight: 0.04,
  min: 1,
  max: MAX_LOCATIONS,
  live: (shop) => shop.resources.inventory.locations(),
  create: ({ shop, n }) =>
    shop.resources.inventory.createLocation({ name: `Location ${n}`, city: `City${n}` }),
  update({ shop, random, n }, location) {
    const inventory = shop.resources.inventory;
    if (random.chance(0.3)) {
      inventory.setLocationActive(location.id, !location.isActive);
      return location.isActive ? 'deactivate' : 'activate';
    }
    inventory.updateLocation(
      location.id,
      random.chance(0.5) ? { name: `Renamed ${n}` } : { city: `Town${n}` },
    );
  },
  delete: ({ shop }, location) => shop.resources.inventory.deleteLocation(location.id),
});
