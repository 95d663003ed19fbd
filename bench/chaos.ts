/**
 * npm run chaos [-- --seeds N] [--seed S] [--mutations M] [--first F] [--mode https|eventbridge] [--json]
 *
 * Seeded convergence runs (see chaos/run-seed.ts). `--mode eventbridge` delivers the webhooks
 * through the partner event bus, its queue and the EventBridge ingest instead of HTTPS. Exits non-zero if any seed leaves a mismatch,
 * and prints the command that replays each failing seed.
 */
import './support/quiet.js';
import { parseArgs } from 'node:util';
import {
  chaosRuntime,
  type ChaosSeedReport,
  mismatchCount,
  runChaosSeed,
  type WebhookDeliveryMode,
} from './chaos/run-seed.js';
import { machineInfo, progress, useDynamoDbLocal } from './support/environment.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    seed: { type: 'string' },
    first: { type: 'string', default: '1' },
    mutations: { type: 'string', default: '1000' },
    mode: { type: 'string', default: 'https' },
    json: { type: 'boolean', default: false },
  },
});
if (values.mode !== 'https' && values.mode !== 'eventbridge') {
  process.stderr.write(`--mode must be https or eventbridge, not ${values.mode}\n`);
  process.exit(2);
}
const mode: WebhookDeliveryMode = values.mode;

const mutations = Number(values.mutations);
const seeds =
  values.seed !== undefined
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.first) + i);
const replay = (seed: number) =>
  `npm run chaos -- --seed ${seed}${mutations === 1000 ? '' : ` --mutations ${mutations}`}${mode === 'https' ? '' : ` --mode ${mode}`}`;

const machine = machineInfo();
progress(
  `chaos: ${seeds.length} seed(s), ${mutations} mutations each, webhooks over ${mode}, on ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}`,
);
const started = Date.now();
const dynamo = await useDynamoDbLocal();
const bench = await chaosRuntime(dynamo.endpoint, mode);
const reports: ChaosSeedReport[] = [];
const failed: number[] = [];
try {
  for (const seed of seeds) {
    let report: ChaosSeedReport;
    try {
      report = await runChaosSeed(bench, { seed, mutations, log: progress });
    } catch (error) {
      failed.push(seed);
      progress(
        `seed ${seed}: ERROR ${error instanceof Error ? error.message : String(error)}\n  replay: ${replay(seed)}`,
      );
      continue;
    }
    reports.push(report);
    const mismatches = mismatchCount(report);
    if (mismatches > 0) failed.push(seed);
    const tables = Object.entries(report.mirror)
      .map(([name, mirror]) => `${name} ${mirror.expectedActive} live/${mirror.expectedDeleted} deleted`)
      .join(', ');
    progress(
      `seed ${seed}: ${mismatches === 0 ? 'converged' : `${mismatches} MISMATCHES ${JSON.stringify(report.byClass)}`} ` +
        `(${tables}; history ${JSON.stringify(report.history)}; deliveries ${JSON.stringify(report.deliveries)}; ` +
        `sabotage ${JSON.stringify(report.injected)}; runs ${JSON.stringify(report.syncRuns)}; ${report.reconcile}; ` +
        `${(report.elapsedMs / 1000).toFixed(1)} s)`,
    );
    if (mismatches > 0) {
      for (const [name, mirror] of Object.entries(report.mirror))
        if (mirror.mismatches.length > 0)
          progress(`  ${name}: first mismatches ${JSON.stringify(mirror.mismatches.slice(0, 5))}`);
      progress(`  replay: ${replay(seed)}`);
    }
  }
} finally {
  await bench.stop();
  await dynamo.stop();
}

const totals = { lost: 0, stale: 0, resurrected: 0, falselyDeleted: 0 };
const perResource: Record<string, typeof totals> = {};
for (const report of reports)
  for (const [resource, mirror] of Object.entries(report.mirror)) {
    const counts = (perResource[resource] ??= { lost: 0, stale: 0, resurrected: 0, falselyDeleted: 0 });
    for (const [name, count] of Object.entries(mirror.byClass)) {
      totals[name as keyof typeof totals] += count;
      counts[name as keyof typeof totals] += count;
    }
  }
const summary = {
  machine,
  seeds: seeds.length,
  webhookDelivery: mode,
  mutationsPerSeed: mutations,
  failedSeeds: failed,
  mismatches: totals,
  mismatchesByResource: perResource,
  elapsedSeconds: Math.round((Date.now() - started) / 1000),
};
if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, reports }, null, 2)}\n`);
else
  process.stdout.write(
    `chaos (${mode}): ${seeds.length} seed(s) x ${mutations} mutations: ${failed.length === 0 ? '0 mismatches' : `FAILED seeds ${failed.join(', ')}`}; ` +
      `lost ${totals.lost}, stale ${totals.stale}, resurrected ${totals.resurrected}, falsely deleted ${totals.falselyDeleted} ` +
      `(customers, orders and products); ` +
      `${summary.elapsedSeconds} s\n` +
      failed.map((seed) => `  replay: ${replay(seed)}\n`).join(''),
  );
process.exitCode = failed.length === 0 ? 0 : 1;
