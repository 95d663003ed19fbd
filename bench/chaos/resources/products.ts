import type { ProductInput } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';
import { type ChaosModule, churnedRecords } from './kit.js';

/** Tags `p0`…`p4`: the ones a tag-driven (smart) collection selects by (collections.ts). */
export const productTags = ['p0', 'p1', 'p2', 'p3', 'p4'] as const;

const productPatch = (random: Random, n: number): ProductInput => {
  switch (random.int(0, 2)) {
    case 0:
      return { title: `Product ${n}` };
    case 1:
      return { status: random.pick(['ACTIVE', 'DRAFT', 'ARCHIVED']) };
    default:
      return { tags: random.chance(0.3) ? [] : [random.pick(productTags)] };
  }
};

/** The catalogue: some products with more variants than one page holds. */
export const productsChaos: ChaosModule = churnedRecords({
  resource: 'products',
  weight: 0.1,
  live: (shop) => shop.resources.products.list(),
  create: ({ shop, random }) =>
    shop.resources.products.create({ variants: random.chance(0.1) ? random.int(11, 40) : random.int(1, 4) }),
  update({ shop, random, n }, product) {
    shop.resources.products.update(product.id, productPatch(random, n));
  },
  delete: ({ shop }, product) => shop.resources.products.delete(product.id),
});
