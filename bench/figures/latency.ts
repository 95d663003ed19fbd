/**
 * P2L: P2 with a realistic DynamoDB round trip. DynamoDB Local answers in about a millisecond
 * and shares two cores with everything else, which hides what concurrent writes buy in AWS. Here
 * every request to it goes through a local proxy (its own process) that holds each request for
 * `delayMs`, like an in-region round trip; the ceiling, the seed-like sequential loop and the
 * pipeline are all measured through the same proxy, in the same run.
 *
 * P2A: the same three through a DynamoDB stand-in (bench/workers/dynamodb-stand-in.ts) with the
 * same round trip that answers the mirror's writes itself: the server spends none of the
 * machine's CPU on them, as AWS's servers spend none of the function's. P2 and P2L measured the
 * pipeline losing to the ceiling exactly the extra CPU DynamoDB Local spends on its UpdateItems
 * (see docs/benchmarks-history.md); P2A shows the pipeline without that local cost.
 */
import { runSyncJob, startBenchService } from '../support/child.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed, rate } from '../support/figure.js';
import {
  cpuText,
  fastestOfAlternating,
  newShop,
  type SyncBenchContext,
  warmUpDynamoDb,
} from './sync-figures.js';

export const PROXY_DELAY_MS = 5;

interface RoundTrip {
  readonly id: 'P2L' | 'P2A';
  readonly title: string;
  /** Where the requests go, as the figure's text names it. */
  readonly through: string;
  readonly service: string;
  readonly argument: (context: SyncBenchContext) => unknown;
}

const roundTrips: Record<RoundTrip['id'], RoundTrip> = {
  P2L: {
    id: 'P2L',
    title: `pipeline throughput, DynamoDB round trip +${PROXY_DELAY_MS} ms (local proxy)`,
    through: 'the same proxy',
    service: 'workers/latency-proxy.ts',
    argument: (context) => ({ target: context.dynamoEndpoint, delayMs: PROXY_DELAY_MS }),
  },
  P2A: {
    id: 'P2A',
    title: `pipeline throughput, +${PROXY_DELAY_MS} ms round trip to a DynamoDB stand-in that spends no local CPU on the mirror's writes`,
    through: 'the same stand-in',
    service: 'workers/dynamodb-stand-in.ts',
    argument: (context) => ({
      target: context.dynamoEndpoint,
      delayMs: PROXY_DELAY_MS,
      answerTable: 'Customers',
    }),
  },
};

export const pipelineWithLatency = (context: SyncBenchContext): Promise<Figure> =>
  pipelineThrough(context, roundTrips.P2L);

export const pipelineAgainstStandIn = (context: SyncBenchContext): Promise<Figure> =>
  pipelineThrough(context, roundTrips.P2A);

async function pipelineThrough(context: SyncBenchContext, roundTrip: RoundTrip): Promise<Figure> {
  const customers = context.quick ? 500 : 10_000;
  const sequentialLimit = context.quick ? 100 : 500;
  const { id } = roundTrip;
  await warmUpDynamoDb(context);
  const proxy = await startBenchService<{ port: number }>(roundTrip.service, roundTrip.argument(context));
  try {
    const dynamoEndpoint = `http://127.0.0.1:${proxy.ready.port}`;
    const { job: shopJob } = newShop(context, customers);
    const job = { ...shopJob, dynamoEndpoint };
    progress(
      `${id} pipeline (sync of ${customers} customers) and ceiling (bare conditional PutItems of the same records, concurrency 16) through ${roundTrip.service}, +${PROXY_DELAY_MS} ms, alternating, twice each`,
    );
    const best = await fastestOfAlternating(context, {
      sync: () => runSyncJob({ ...job, workload: 'sync' }),
      ceiling: () => runSyncJob({ ...job, workload: 'ceiling' }),
    });
    const sync = best.sync.result;
    const ceiling = best.ceiling.result;
    progress(
      `${id} sequential: seed-like loop through ${roundTrip.service}, first ${sequentialLimit} records`,
    );
    const sequential = await runSyncJob({ ...job, workload: 'sequential', limit: sequentialLimit });
    const [syncRate, ceilingRate, sequentialRate] = [sync, ceiling, sequential].map((r) =>
      rate(r.customers, r.elapsedMs),
    ) as [number, number, number];
    const ofCeiling = syncRate / ceilingRate;
    const overSequential = syncRate / sequentialRate;
    return {
      id,
      title: roundTrip.title,
      measured:
        `${fixed(syncRate)} customers/s (${customers}); ${fixed(ofCeiling, 2)} of ceiling, ${fixed(overSequential, 1)}x sequential` +
        `; runs ${best.sync.rates.map((r) => fixed(r)).join(', ')}/s; CPU ms a customer (worker + simulator + DynamoDB Local): ${cpuText(best.sync.cpu)}`,
      // The ceiling over sequential bounds what the pipeline can show: below 5 / 0.8, DynamoDB
      // Local's CPU, not the round trip, is what the ceiling measures.
      baseline:
        `through ${roundTrip.through}: ceiling ${fixed(ceilingRate)}/s (${fixed(ceilingRate / sequentialRate, 1)}x sequential; runs ${best.ceiling.rates.map((r) => fixed(r)).join(', ')}/s; CPU ms a customer ${cpuText(best.ceiling.cpu)}); ` +
        `sequential ${fixed(sequentialRate)}/s (${fixed(1000 / sequentialRate, 1)} ms a write)`,
      target: '>= 0.8 of ceiling, >= 5x sequential',
      pass: ofCeiling >= 0.8 && overSequential >= 5 && sync.customers >= customers,
      data: {
        customers,
        delayMs: PROXY_DELAY_MS,
        sync,
        ceiling,
        sequential,
        cpuPerCustomer: { sync: best.sync.cpu, ceiling: best.ceiling.cpu },
        runs: { sync: best.sync.rates, ceiling: best.ceiling.rates },
        syncRate,
        ceilingRate,
        sequentialRate,
        ofCeiling,
        overSequential,
      },
    };
  } finally {
    proxy.stop();
  }
}
