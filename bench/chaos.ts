/**
 * npm run chaos [-- --seeds N] [--seed S] [--mutations M] [--first F] [--mode https|eventbridge] [--json]
 *
 * Seeded convergence runs (see chaos/run-seed.ts). `--mode eventbridge` delivers the webhooks
 * through the partner event bus, its queue and the EventBridge ingest instead of HTTPS. Exits non-zero if any seed leaves a mismatch,
 * and prints the command that replays each failing seed.
 */
import './support/quiet.js';
import {
  defineCommand,
  exitWithUsage,
  integerOption,
  parseCommandLine,
} from '../scripts/support/command-line.js';
import {
  chaosRuntime,
  type ChaosSeedReport,
  mismatchCount,
  runChaosSeed,
  type WebhookDeliveryMode,
} from './chaos/run-seed.js';
import { machineInfo, progress, useDynamoDbLocal } from './support/environment.js';

const chaosCommand = defineCommand({
  usage: 'npm run chaos -- [options]',
  summary:
    'Seeded convergence runs: random store changes, webhook faults and syncs against the local runtime, then ' +
    'a comparison of the mirror with the store. Exits non-zero if any seed leaves a mismatch, and prints the ' +
    'command that replays each failing seed. Uses DYNAMODB_ENDPOINT when set, else starts DynamoDB Local.',
  options: {
    seeds: { type: 'string', valueName: 'n', default: '5', description: 'How many seeds to run' },
    first: { type: 'string', valueName: 'seed', default: '1', description: 'The first seed of the run' },
    seed: { type: 'string', valueName: 'seed', description: 'Run this one seed only (replays a failure)' },
    mutations: { type: 'string', valueName: 'n', default: '1000', description: 'Store changes per seed' },
    mode: {
      type: 'string',
      valueName: 'transport',
      default: 'https',
      description:
        'How webhooks are delivered: https, or eventbridge (partner bus, queue, EventBridge ingest)',
    },
    json: { type: 'boolean', default: false, description: "Print every seed's report as JSON" },
  },
  examples: [
    'npm run chaos',
    'npm run chaos -- --seed 7 --mutations 200',
    'npm run chaos -- --seeds 2 --mode eventbridge',
  ],
});

const values = parseCommandLine(chaosCommand);
if (values.mode !== 'https' && values.mode !== 'eventbridge')
  exitWithUsage(chaosCommand, `--mode takes https or eventbridge, not "${values.mode}"`);
const mode: WebhookDeliveryMode = values.mode;
const whole = (name: string, value: string, min: number) => integerOption(chaosCommand, name, value, { min });
const mutations = whole('mutations', values.mutations, 1);
const seeds =
  values.seed !== undefined
    ? [whole('seed', values.seed, 0)]
    : Array.from({ length: whole('seeds', values.seeds, 1) }, (_, i) => whole('first', values.first, 0) + i);
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
        `(${tables}; ${report.metafields} metafields; history ${JSON.stringify(report.history)}; deliveries ${JSON.stringify(report.deliveries)}; ` +
        `sabotage ${JSON.stringify(report.injected)}; runs ${JSON.stringify(report.syncRuns)}; ${report.reconcile}; ` +
        `tokens ${JSON.stringify(report.tokens)}; ` +
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
// Renewal is part of what chaos exercises: the totals show how many refreshes raced the runs.
const tokens = { refreshes: 0, expiredTokenCalls: 0, refreshTokenReuses: 0 };
for (const report of reports) {
  tokens.refreshes += report.tokens.refreshes;
  tokens.expiredTokenCalls += report.tokens.expiredTokenCalls;
  tokens.refreshTokenReuses += report.tokens.refreshTokenReuses;
}
const summary = {
  machine,
  seeds: seeds.length,
  webhookDelivery: mode,
  mutationsPerSeed: mutations,
  failedSeeds: failed,
  mismatches: totals,
  mismatchesByResource: perResource,
  tokens,
  elapsedSeconds: Math.round((Date.now() - started) / 1000),
};
if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, reports }, null, 2)}\n`);
else
  process.stdout.write(
    `chaos (${mode}): ${seeds.length} seed(s) x ${mutations} mutations: ${failed.length === 0 ? '0 mismatches' : `FAILED seeds ${failed.join(', ')}`}; ` +
      `lost ${totals.lost}, stale ${totals.stale}, resurrected ${totals.resurrected}, falsely deleted ${totals.falselyDeleted} ` +
      `(${Object.keys(perResource).join(', ')}); ` +
      `tokens: ${tokens.refreshes} refreshes, ${tokens.expiredTokenCalls} Admin calls with an expired token, ` +
      `${tokens.refreshTokenReuses} refresh tokens spent twice; ` +
      `${summary.elapsedSeconds} s\n` +
      failed.map((seed) => `  replay: ${replay(seed)}\n`).join(''),
  );
process.exitCode = failed.length === 0 ? 0 : 1;
