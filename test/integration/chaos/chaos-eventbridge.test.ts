/**
 * The same short chaos convergence with webhooks delivered through EventBridge: the simulator
 * puts them on the partner bus, its rule queues them, the batch ingest applies them. The full run
 * is `npm run chaos -- --seeds 10 --mode eventbridge`.
 */
import { describeChaos } from './convergence.js';

describeChaos('eventbridge', [303]);
