/**
 * Shopify documents no size cap for HTTPS deliveries, and its largest ordinary bodies are products
 * at the variant ceiling (2,048) and orders with many lines: over half a megabyte. Such a
 * delivery must mirror exactly, through the same HTTP API, signature check and write path as any.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { productsResource } from '../../../lambdas/resources/products/index.js';
import { MAX_BODY_BYTES } from '../../../lambdas/core/webhooks/delivery.js';
import { organizationItems } from '../../support/organization-items.js';
import {
  type AttackWorld,
  type Tenant,
  captured,
  one,
  startAttackWorld,
} from '../../support/attack-world.js';
import { expectedMirror } from '../sync/harness.js';

let world: AttackWorld;
let tenant: Tenant;
beforeEach(() => onTestFailed(() => console.error(world.log.slice(-30).join('\n'))));

beforeAll(async () => {
  world = await startAttackWorld('large');
  const accessToken = 'shpat_largestore000000000000000';
  const shop = world.runtime.shopify.simulator!.createShop({
    shopDomain: 'large-store.myshopify.com',
    accessToken,
    seedCustomers: 1,
  });
  tenant = await world.connect({ organizationId: 'org-large', shop, accessToken });
});
afterAll(() => world?.stop());

describe('a delivery as large as Shopify sends', () => {
  it('a products/create with 2,048 variants (~552 KB) is accepted and mirrors exactly', async () => {
    const { shop } = tenant;
    const delivery = one(
      captured(shop, () => {
        shop.resources.products.create({ title: 'Every size there is', variants: 2048 });
      }),
      'products/create',
    );
    const bytes = Buffer.byteLength(delivery.body);
    // The old limit (256 KiB) refused it; the new one has room for the largest we know of.
    expect(bytes).toBeGreaterThan(512 * 1024);
    expect(bytes).toBeLessThan(MAX_BODY_BYTES);

    const answer = await world.send(delivery);
    expect(answer.status).toBe(200);

    const product = shop.resources.products.list().find((p) => p.title === 'Every size there is')!;
    const stored = await organizationItems(world.doc, world.runtime.tableNames.Products, 'org-large');
    const owner = {
      organizationId: 'org-large',
      integrationId: tenant.integrationId,
      shopDomain: shop.domain,
    };
    expect(stored).toEqual(expectedMirror(productsResource, [delivery.body], owner));
    // And against the shop itself, not only the mapping: every variant, in order, to the cent.
    const [record] = stored as { shopifyId: string; variants: { id: string; price: string }[] }[];
    expect(record!.shopifyId).toBe(product.id);
    expect(record!.variants.map((v) => [v.id, v.price])).toEqual(
      product.variants.map((v) => [v.id, (v.priceCents / 100).toFixed(2)]),
    );
  });
});
