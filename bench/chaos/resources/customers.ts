import type { CustomerInput } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';
import { type ChaosModule, churnedRecords } from './kit.js';

const customerPatch = (random: Random, n: number): CustomerInput => {
  const patch: Record<string, unknown> = {};
  const fields = random.int(1, 3);
  for (let i = 0; i < fields; i += 1) {
    switch (random.int(0, 6)) {
      case 0:
        patch['firstName'] = random.chance(0.1) ? null : `F${n}`;
        break;
      case 1:
        patch['lastName'] = `L${n}`;
        break;
      case 2:
        patch['email'] = random.chance(0.1) ? null : `c${n}-${random.int(1, 1e6)}@example.com`;
        break;
      case 3:
        patch['note'] = random.chance(0.3) ? null : `note ${n}`;
        break;
      case 4:
        patch['state'] = random.pick(['ENABLED', 'DISABLED', 'INVITED', 'DECLINED']);
        break;
      case 5:
        patch['taxExempt'] = random.chance(0.5);
        break;
      default:
        patch['defaultAddress'] = random.chance(0.1)
          ? null
          : { city: `City${n}`, zip: `Z${random.int(10000, 99999)}`, countryCode: 'CA', country: 'Canada' };
    }
  }
  return patch;
};

/** Customers change most: sign-ups, address and consent edits, deletions on request. */
export const customersChaos: ChaosModule = churnedRecords({
  resource: 'customers',
  weight: 0.3,
  live: (shop) => shop.resources.customers.list(),
  create: ({ shop, random, n }) =>
    shop.resources.customers.create({
      firstName: `New${n}`,
      email: `new${n}@example.com`,
      ...customerPatch(random, n),
    }),
  update({ shop, random, n }, customer) {
    shop.resources.customers.update(customer.id, customerPatch(random, n));
  },
  delete: ({ shop }, customer) => shop.resources.customers.delete(customer.id),
});
