/**
 * CPU: what the worker's own CPU costs per record, for a paged and a bulk sync, next to the floor
 * measured in the same run (parse + schema + mapping of the same records, nothing else). In
 * Lambda that CPU is what a sync is billed for; the ratio to the floor is what the pipeline adds
 * (requests, marshalling, checkpoints). Each sync runs in its own process against the P2A
 * stand-in (the +5 ms round trip that answers the record writes without spending this machine's
 * CPU), so DynamoDB Local's JVM does not compete with the worker it is measuring.
 */
import { runSyncJob, startBenchService } from '../support/child.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import type { SyncJobResult } from '../workers/sync-process.js';
import { PROXY_DELAY_MS } from './latency.js';
import { newShop, type SyncBenchContext, warmUpDynamoDb } from './sync-figures.js';

const perRecord = (result: SyncJobResult) => (result.cpuMs ?? 0) / Math.max(1, result.customers);

/** The smaller of two runs' CPU a record: the one least disturbed by the machine's other work. */
const leastOfTwo = async (run: () => Promise<SyncJobResult>) => {
  const first = await run();
  const second = await run();
  return perRecord(first) <= perRecord(second) ? first : second;
};

export async function cpuPerRecord(context: SyncBenchContext): Promise<Figure> {
  const customers = context.quick ? 1_000 : 10_000;
  await warmUpDynamoDb(context);
  const standIn = await startBenchService<{ port: number }>('workers/dynamodb-stand-in.ts', {
    target: context.dynamoEndpoint,
    delayMs: PROXY_DELAY_MS,
    answerTable: 'Customers',
  });
  try {
    const dynamoEndpoint = `http://127.0.0.1:${standIn.ready.port}`;
    const { job: shopJob } = newShop(context, customers);
    const job = { ...shopJob, dynamoEndpoint };
    progress(`CPU paged sync of ${customers} customers and its floor (parse + map), worker CPU, twice each`);
    const paged = await leastOfTwo(() => runSyncJob({ ...job, workload: 'sync' }));
    const pagedFloor = await leastOfTwo(() => runSyncJob({ ...job, workload: 'floor' }));
    progress(
      `CPU bulk sync of ${customers} customers and its floor (JSONL parse + map), worker CPU, twice each`,
    );
    const bulk = await leastOfTwo(() => runSyncJob({ ...job, workload: 'sync', bulk: true }));
    const bulkFloor = await leastOfTwo(() => runSyncJob({ ...job, workload: 'floor', bulk: true }));
    const [pagedMs, pagedFloorMs, bulkMs, bulkFloorMs] = [paged, pagedFloor, bulk, bulkFloor].map(
      perRecord,
    ) as [number, number, number, number];
    const complete = [paged, pagedFloor, bulk, bulkFloor].every((run) => run.customers === customers);
    return {
      id: 'CPU',
      title: `worker CPU per record, paged and bulk syncs (${customers} customers, +${PROXY_DELAY_MS} ms stand-in)`,
      measured:
        `paged ${fixed(pagedMs, 3)} ms a record (${fixed(pagedMs / pagedFloorMs, 1)}x floor); ` +
        `bulk ${fixed(bulkMs, 3)} ms a record (${fixed(bulkMs / bulkFloorMs, 1)}x floor)`,
      baseline: `floor (parse + schema + mapping only): paged ${fixed(pagedFloorMs, 3)} ms, bulk ${fixed(bulkFloorMs, 3)} ms a record`,
      target: 'informational (issue 22 §6: cut what the floor does not need)',
      ...(complete ? {} : { pass: false }),
      data: {
        customers,
        pagedMs,
        pagedFloorMs,
        bulkMs,
        bulkFloorMs,
        pagedOverFloor: pagedMs / pagedFloorMs,
        bulkOverFloor: bulkMs / bulkFloorMs,
        runs: { paged, pagedFloor, bulk, bulkFloor },
      },
    };
  } finally {
    standIn.stop();
  }
}
