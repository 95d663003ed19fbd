/**
 * What a chaos module is: one registered resource's part of a seed's history. The history picks a
 * resource by weight and asks its module for one store change, made as a merchant or Shopify
 * would make it (through the simulated shop's resource, which stamps the change and sends its
 * webhooks; the delivery knobs then drop, duplicate, reorder and delay them). The mirror check
 * needs nothing from a module: it compares each registered table with the Admin API's answer.
 */
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import type { Random } from '../../support/random.js';

export interface ChaosStep {
  readonly shop: SimulatedShop;
  readonly random: Random;
  /** The change's number in the history: names and values derived from it are unique. */
  readonly n: number;
}

export interface ChaosModule {
  /** The registered resource (`lambdas/resources/registry.ts`) whose table this module churns. */
  readonly resource: string;
  /** How often the history touches it, relative to the other modules. */
  readonly weight: number;
  /** One change of the store; answers its kind (`create`, `disconnect`…) for the seed's tally. */
  mutate(step: ChaosStep): string;
}

/** A create, an update or a delete, the way a store's records churn: mostly updates. */
export type Churn = 'create' | 'update' | 'delete';
const churn = (random: Random, live: number, { min = 0 }: { readonly min?: number } = {}): Churn => {
  const roll = random.next();
  if (live === 0 || roll < 0.25) return 'create';
  if (roll < 0.85 || live <= min) return 'update';
  return 'delete';
};

/**
 * A module whose changes are the churn of one kind of record: one created, one updated or one
 * deleted, the live record drawn for an update or a delete. What differs between resources is
 * only how each of the three is made.
 */
export interface ChurnedRecords<TRecord extends { readonly id: string }> {
  readonly resource: string;
  readonly weight: number;
  /** At least this many stay live: below it a delete becomes an update. */
  readonly min?: number;
  /** At most this many are live: at it a create becomes an update. */
  readonly max?: number;
  live(shop: SimulatedShop): readonly TRecord[];
  create(step: ChaosStep): void;
  /** Answers a finer kind (`members`, `activate`) where the update is one of those. */
  update(step: ChaosStep, record: TRecord): string | void;
  delete(step: ChaosStep, record: TRecord): void;
}

export const churnedRecords = <TRecord extends { readonly id: string }>(
  churned: ChurnedRecords<TRecord>,
): ChaosModule => ({
  resource: churned.resource,
  weight: churned.weight,
  mutate(step) {
    const live = churned.live(step.shop);
    let kind = churn(step.random, live.length, { min: churned.min ?? 0 });
    if (kind === 'create' && live.length >= (churned.max ?? Infinity)) kind = 'update';
    if (kind === 'create') churned.create(step);
    else if (kind === 'update') return churned.update(step, step.random.pick(live)) ?? kind;
    else churned.delete(step, step.random.pick(live));
    return kind;
  },
});
