import { SeededRandom } from '../../local/shopify-simulator/random.js';

/**
 * The simulator's seeded PRNG (mulberry32), so a chaos or fuzz seed replays exactly; seed 0 is
 * moved off zero, as chaos and fuzz seeds always were.
 */
export class Random extends SeededRandom {
  constructor(seed: number) {
    super(seed >>> 0 || 0x9e3779b9);
  }
}
