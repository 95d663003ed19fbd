/**
 * The topic header is unsigned: a genuine signed body posted under another topic must be refused
 * (400) with nothing written, for every pair of topics whose bodies Shopify shapes differently.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, it, onTestFailed } from 'vitest';
import type { WebhookDelivery } from '../../../local/shopify-simulator/webhooks.js';
import {
  type AttackWorld,
  type Tenant,
  asTopic,
  captured,
  startAttackWorld,
} from '../../support/attack-world.js';

let world: AttackWorld;
let alpha: Tenant;
beforeEach(() => onTestFailed(() => console.error(world.log.slice(-50).join('\n'))));

beforeAll(async () => {
  world = await startAttackWorld('swap');
  const shopDomain = 'swap-store.myshopify.com';
  const accessToken = 'shpat_swapstore0000000000000000';
  const shop = world.runtime.shopify.simulator!.createShop({
    shopDomain,
    accessToken,
    seedCustomers: 2,
    seedOrders: 2,
    seedProducts: 2,
  });
  alpha = await world.connect({ organizationId: 'org-swap', shop, accessToken });
});
afterAll(() => world?.stop());

/** One genuine body of every topic the app receives, as the simulator signs them. */
const genuineBodies = (): WebhookDelivery[] => {
  const { shop } = alpha;
  const deliveries = captured(shop, () => {
    const customer = shop.resources.customers.create({ firstName: 'Swap' });
    shop.resources.customers.update(customer.id, { firstName: 'Swapped' });
    const order = shop.resources.orders.create({ customerId: customer.id, lineItems: 2 });
    shop.resources.orders.update(order.id, { note: 'swap' });
    const product = shop.resources.products.create({ variants: 2 });
    shop.resources.products.update(product.id, { title: 'Swap' });
    shop.resources.orders.delete(shop.resources.orders.list()[0]!.id);
    shop.resources.products.delete(shop.resources.products.list()[0]!.id);
    shop.resources.customers.delete(shop.resources.customers.list()[0]!.id);
    shop.requestCompliance('customers/redact', customer.id);
    shop.requestCompliance('customers/data_request', customer.id);
    shop.requestCompliance('shop/redact');
  });
  const uninstalled = captured(shop, () => {
    shop.uninstall();
  });
  // The store stays installed for the test: only the body was wanted.
  shop.setAccessToken(alpha.accessToken);
  return [...deliveries, ...uninstalled];
};

/**
 * Pairs whose bodies are the same shape by Shopify's design, so no schema can tell them apart:
 * a resource's create and update (one upsert handler either way), and `orders/delete` versus
 * `products/delete`, both exactly `{"id": n}` (EventBridge delivery, whose topic is Shopify's
 * own metadata, closes that one).
 */
const sameShape = (a: string, b: string): boolean => {
  const family = (topic: string) => {
    const [resource, event] = topic.split('/');
    if (event === 'delete' && (resource === 'orders' || resource === 'products')) return 'id-only-delete';
    return event === 'delete' ? topic : `${resource}/upsert`;
  };
  return family(a) === family(b);
};

it('property: every genuine body posted under any other topic is refused (400) and writes nothing', async () => {
  const bodies = genuineBodies();
  const topics = [...new Set(bodies.map((delivery) => delivery.topic))].sort();
  expect(topics).toEqual(
    [
      'app/uninstalled',
      'customers/create',
      'customers/data_request',
      'customers/delete',
      'customers/redact',
      'customers/update',
      'orders/create',
      'orders/delete',
      'orders/updated',
      'products/create',
      'products/delete',
      'products/update',
      'shop/redact',
    ].sort(),
  );
  const swaps = bodies.flatMap((delivery) =>
    topics.filter((topic) => !sameShape(delivery.topic, topic)).map((topic) => ({ delivery, topic })),
  );
  const refused = async ({ delivery, topic }: { delivery: WebhookDelivery; topic: string }) => {
    const before = await world.everything();
    const answer = await world.send(delivery, asTopic(delivery, topic));
    expect([delivery.topic, topic, answer.status]).toEqual([delivery.topic, topic, 400]);
    expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await world.everything()).toEqual(before);
  };
  // Every pair once (as examples), then random ones again: order must not matter either.
  await fc.assert(fc.asyncProperty(fc.constantFrom(...swaps), refused), {
    examples: swaps.map((swap) => [swap]),
    numRuns: swaps.length + 20,
    seed: 19,
  });
  // The refusals were not vacuous: under their own topics the bodies are processed.
  for (const delivery of bodies.filter((d) => d.topic.startsWith('products/'))) {
    expect((await world.send(delivery)).status).toBe(200);
  }
});
