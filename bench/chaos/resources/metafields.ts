import {
  metafieldOwners,
  type MetafieldNamespaces,
  type MetafieldOwner,
  namespacesOf,
} from '../../../lambdas/resources/kit/metafields.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';
import type { ChaosModule } from './kit.js';

/** A namespace no deployment of chaos mirrors: its metafields must never reach a record. */
export const UNMIRRORED_NAMESPACE = 'unmirrored';

/** Keys `k0`…`k13`: more than one record page's `metafields(first: 10)`, so owners need a further page. */
const KEYS = 14;

/** A key's type never changes (Shopify refuses a set that changes it): it follows from the key. */
const valueKinds: readonly { readonly type: string; value(random: Random, n: number): string }[] = [
  { type: 'single_line_text_field', value: (_, n) => `text ${n}` },
  { type: 'number_integer', value: (random) => String(random.int(-1000, 1_000_000)) },
  { type: 'number_decimal', value: (random) => `${random.int(-99, 999)}.${random.int(0, 99)}` },
  { type: 'boolean', value: (random) => String(random.chance(0.5)) },
  {
    type: 'json',
    value: (random, n) => JSON.stringify({ n, level: random.int(0, 9), tags: ['a', `t${n}`] }),
  },
  { type: 'list.single_line_text_field', value: (_, n) => JSON.stringify(['S', `size ${n}`]) },
  { type: 'list.number_decimal', value: (random) => `["${random.int(0, 99)}.50","${random.int(0, 9)}.125"]` },
];

const ownerTypes: Readonly<Record<MetafieldOwner, string>> = {
  customers: 'Customer',
  orders: 'Order',
  products: 'Product',
};

const liveOwners = (shop: SimulatedShop, owner: MetafieldOwner): readonly { readonly id: string }[] =>
  shop.resources[owner].list();

const setInput = (ownerId: string, namespace: string, keyIndex: number, random: Random, n: number) => {
  const kind = valueKinds[keyIndex % valueKinds.length]!;
  return { ownerId, namespace, key: `k${keyIndex}`, type: kind.type, value: kind.value(random, n) };
};

/** Answers the Admin API's answer, or throws on its user errors: chaos only makes valid changes. */
const accepted = <TAnswer extends { readonly userErrors: readonly unknown[] }>(answer: TAnswer): TAnswer => {
  if (answer.userErrors.length > 0)
    throw new Error(`chaos: metafields refused ${JSON.stringify(answer.userErrors)}`);
  return answer;
};

/**
 * Metafields of customers, orders and products, where the run's deployment mirrors their
 * namespaces: set on a live owner (now and then a dozen at once, past a record page's first ten),
 * changed, deleted, or set in a namespace the deployment does not mirror, through the Admin API's
 * `metafieldsSet` and `metafieldsDelete`. Each bumps its owner's `updatedAt` and sends the owner's
 * update topic, whose body carries the subscription's namespaces. Not a registered resource: the
 * owners' mirror checks compare each record's `metafields` with the Admin API's.
 */
export const metafieldsChaos = (namespaces: MetafieldNamespaces): ChaosModule | undefined => {
  const owners = metafieldOwners.filter((owner) => namespacesOf(namespaces, owner).length > 0);
  if (owners.length === 0) return undefined;
  return {
    resource: 'metafields',
    weight: 0.12,
    mutate({ shop, random, n }) {
      const owner = random.pick(owners);
      const live = liveOwners(shop, owner);
      if (live.length === 0) return 'none';
      const ownerId = `gid://shopify/${ownerTypes[owner]}/${random.pick(live).id}`;
      const metafields = shop.resources.metafields;
      if (random.chance(0.1)) {
        accepted(
          metafields.set([setInput(ownerId, UNMIRRORED_NAMESPACE, random.int(0, KEYS - 1), random, n)]),
        );
        return 'unmirrored';
      }
      const namespace = random.pick(namespacesOf(namespaces, owner));
      const held = metafields.ownedBy(ownerId).filter((metafield) => metafield.namespace === namespace);
      const roll = random.next();
      if (held.length > 0 && roll < 0.25) {
        const gone = random.shuffle(held).slice(0, random.int(1, Math.min(3, held.length)));
        accepted(metafields.remove(gone.map(({ key }) => ({ ownerId, namespace, key }))));
        return 'delete';
      }
      const keys =
        roll < 0.4
          ? random.shuffle([...Array(KEYS).keys()]).slice(0, random.int(6, 12))
          : [random.int(0, KEYS - 1)];
      accepted(metafields.set(keys.map((key) => setInput(ownerId, namespace, key, random, n))));
      return keys.length > 1
        ? 'set-many'
        : held.some((metafield) => metafield.key === `k${keys[0]}`)
          ? 'change'
          : 'set';
    },
  };
};
