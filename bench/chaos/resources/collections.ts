import type { CollectionInput } from '../../../local/shopify-simulator/resources/collections.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';
import { type ChaosModule, churnedRecords } from './kit.js';
import { productTags } from './products.js';

const productIdsOf = (shop: SimulatedShop): string[] =>
  shop.resources.products.list().map((product) => product.id);

const someProducts = (random: Random, productIds: readonly string[]): string[] =>
  random.shuffle(productIds).slice(0, random.int(0, Math.min(8, productIds.length)));

/** Hand-picked products, or every product with a tag (a smart collection). */
const members = (random: Random, productIds: readonly string[]): CollectionInput =>
  random.chance(0.3) ? { tag: random.pick(productTags) } : { productIds: someProducts(random, productIds) };

/**
 * Collections: created and deleted, edited from their page (`collections/update`), and their
 * members changed from the products' side, which sends no collection webhook at all (only the
 * sync's re-reading of members can see it); a smart collection's members move with its products' tags.
 */
export const collectionsChaos: ChaosModule = churnedRecords({
  resource: 'collections',
  weight: 0.1,
  live: (shop) => shop.resources.collections.list(),
  create: ({ shop, random, n }) =>
    shop.resources.collections.create({ title: `Collection ${n}`, ...members(random, productIdsOf(shop)) }),
  update({ shop, random, n }, collection) {
    const collections = shop.resources.collections;
    if (random.chance(0.4)) {
      collections.setMembersQuietly(collection.id, someProducts(random, productIdsOf(shop)));
      return 'members';
    }
    collections.update(
      collection.id,
      random.chance(0.5)
        ? { title: `Renamed ${n}`, sortOrder: random.pick(['MANUAL', 'BEST_SELLING', 'ALPHA_ASC']) }
        : members(random, productIdsOf(shop)),
    );
  },
  delete: ({ shop }, collection) => shop.resources.collections.delete(collection.id),
});
