import { type ChaosModule, churn } from './kit.js';

/** A store keeps a handful of locations: new ones are opened up to this many. */
const MAX_LOCATIONS = 5;

/**
 * Locations: opened, renamed, deactivated and reactivated (`locations/activate|deactivate` and,
 * still, `locations/update`), deleted with their stock disconnected first (Shopify's rule).
 */
export const locationsChaos: ChaosModule = {
  resource: 'locations',
  weight: 0.04,
  mutate({ shop, random, n }) {
    const inventory = shop.resources.inventory;
    const live = inventory.locations();
    let kind: string = churn(random, live.length, { min: 1 });
    if (kind === 'create' && live.length >= MAX_LOCATIONS) kind = 'update';
    if (kind === 'create') inventory.createLocation({ name: `Location ${n}`, city: `City${n}` });
    else if (kind === 'delete') inventory.deleteLocation(random.pick(live).id);
    else {
      const location = random.pick(live);
      if (random.chance(0.3)) {
        inventory.setLocationActive(location.id, !location.isActive);
        return location.isActive ? 'deactivate' : 'activate';
      }
      inventory.updateLocation(
        location.id,
        random.chance(0.5) ? { name: `Renamed ${n}` } : { city: `Town${n}` },
      );
    }
    return kind;
  },
};
