import { runBenchProcess } from '../support/child.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import type { DeliveryCost, LevelBurstJob, LevelBurstResult } from '../workers/level-burst.js';

/** LevelBurst: a burst of level updates for one item through the webhook handler (issue 20). */
export async function levelBurst(dynamoEndpoint: string, quick: boolean): Promise<Figure> {
  const job: LevelBurstJob = {
    dynamoEndpoint,
    updates: quick ? 200 : 1000,
    locations: 8,
    duplicateProbability: 0.1,
    concurrency: 16,
    bursts: quick ? 1 : 3,
    seed: 20,
  };
  progress(
    `LevelBurst: ${job.bursts} bursts of ${job.updates} inventory_levels/update for one item at ${job.locations} locations (+10% duplicates, shuffled, ${job.concurrency} in flight), alternating with a bare handler`,
  );
  const burst = await runBenchProcess<LevelBurstResult>(
    'workers/level-burst.ts',
    job,
    // As deployed: INFO logs and EMF metrics are part of the handler's cost.
    { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
  );
  const ratio = burst.webhook.p99 / burst.bare.p99;
  const cost = ({ requests, processCpuMs, dynamoCpuMs }: DeliveryCost) =>
    `${Object.entries(requests)
      .map(([command, count]) => `${fixed(count, 2)} ${command}`)
      .join(
        ' + ',
      )}; CPU ms ${fixed(processCpuMs, 2)} (this process) + ${fixed(dynamoCpuMs, 2)} (DynamoDB Local)`;
  const exact = burst.notNewest === 0 && burst.levelsChecked > 0;
  return {
    id: 'LevelBurst',
    title: `webhook path, a burst of ${burst.deliveriesPerBurst} level updates of one item (in process, DynamoDB Local)`,
    measured:
      `p50 ${fixed(burst.webhook.p50, 2)} ms, p99 ${fixed(burst.webhook.p99, 2)} ms (${fixed(ratio, 2)}x bare p99); ` +
      `${burst.errors} errors; upserts ${JSON.stringify(burst.outcomes)} (stale: a conditional check an older version lost); ` +
      `${burst.levelsChecked - burst.notNewest}/${burst.levelsChecked} levels hold their newest version; ` +
      `a delivery: ${cost(burst.perDelivery.webhook)}`,
    baseline:
      `bare parse + PutItem p50 ${fixed(burst.bare.p50, 2)} ms, p99 ${fixed(burst.bare.p99, 2)} ms; ` +
      `a delivery: ${cost(burst.perDelivery.bare)}`,
    target: 'p99 <= 2x bare handler, 0 errors, every level its newest version',
    pass: ratio <= 2 && burst.errors === 0 && exact,
    data: { ...burst, ratio },
  };
}
