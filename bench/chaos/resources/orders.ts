import type { OrderInput } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';
import { type ChaosModule, churnedRecords } from './kit.js';

/** `shipped`: a fulfillment of the order, which a patch may re-track or cancel. */
const orderPatch = (random: Random, n: number, shipped: string | undefined): OrderInput => {
  // Its parts: shipped (some or all lines), re-tracked or cancelled, refunded (fulfillments/*, refunds/create).
  if (random.chance(0.3)) {
    const roll = random.int(0, 2);
    if (roll === 0 && shipped !== undefined)
      return { updateFulfillment: { id: shipped, trackingNumber: `T${n}`, cancel: random.chance(0.2) } };
    if (roll === 1)
      return { refund: { lines: random.int(1, 3), note: random.chance(0.5) ? `refund ${n}` : undefined } };
    return { fulfill: { lines: random.int(1, 8), trackingNumber: `S${n}` } };
  }
  switch (random.int(0, 5)) {
    case 0:
      return { email: random.chance(0.2) ? null : `o${n}@example.com` };
    case 1:
      return { note: random.chance(0.3) ? null : `order note ${n}` };
    case 2:
      return { tags: random.chance(0.3) ? [] : [`t${n % 7}`, 'chaos'] };
    case 3:
      return {
        financialStatus: random.pick(['PENDING', 'AUTHORIZED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']),
      };
    case 4:
      return { fulfillmentStatus: random.pick(['UNFULFILLED', 'PARTIALLY_FULFILLED', 'FULFILLED']) };
    default:
      return { cancel: true };
  }
};

/** Orders: placed (now and then a large B2B one whose lines need pages of their own), edited, shipped, refunded, deleted. */
export const ordersChaos: ChaosModule = churnedRecords({
  resource: 'orders',
  weight: 0.25,
  live: (shop) => shop.resources.orders.list(),
  create({ shop, random }) {
    const buyers = shop.resources.customers.list();
    shop.resources.orders.create({
      // A live customer's order, sometimes a guest's.
      customerId: buyers.length > 0 && random.chance(0.8) ? random.pick(buyers).id : null,
      lineItems: random.chance(0.04) ? random.int(40, 260) : random.int(1, 6),
    });
  },
  update({ shop, random, n }, order) {
    const fulfillments = order.fulfillments ?? [];
    shop.resources.orders.update(
      order.id,
      orderPatch(random, n, fulfillments.length > 0 ? random.pick(fulfillments).id : undefined),
    );
  },
  delete: ({ shop }, order) => shop.resources.orders.delete(order.id),
});
