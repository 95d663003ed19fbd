/**
 * Short chaos convergence: a few seeded histories of customers, orders and products with duplicated, reordered, delayed and dropped
 * webhooks, Admin API faults and killed or timed-out sync workers must leave the mirror equal to
 * the store, table by table. The full run is `npm run chaos -- --seeds 10`.
 */
import { describeChaos } from './convergence.js';

describeChaos('https', [101, 202]);
