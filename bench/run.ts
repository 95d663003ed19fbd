/**
 * npm run bench [-- --quick] [--json] [--fuzz [N]] [--only P1,P2,P2L,P2A,P3,CPU,PagedVsBulk,Reconcile100k,TokenRefresh,...]
 *
 * Measures every figure in one run on this machine, each next to its baseline from the same run,
 * and prints a table (stdout) with PASS/MISS against the targets. Progress goes to stderr.
 */
import './support/quiet.js';
import { tokenRefreshRate } from './figures/token-refresh.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand, parseCommandLine } from '../scripts/support/command-line.js';
import { startShopifySimulator } from '../local/shopify-simulator/index.js';
import { webhookFuzz } from './figures/fuzz.js';
import { bulkSyncThroughput, largeStoreWalkthrough, pagedVsBulk } from './figures/large-store.js';
import { pipelineAgainstStandIn, pipelineWithLatency } from './figures/latency.js';
import { cpuPerRecord } from './figures/cpu-per-record.js';
import { reconcile100k } from './figures/reconcile.js';
import { webhookLoad } from './figures/load.js';
import { pipelineThroughput, syncMemory, throttleEfficiency } from './figures/sync-figures.js';
import { webhookPath } from './figures/webhook-latency.js';
import { levelBurst } from './figures/level-burst.js';
import { coldStart } from './figures/cold-start.js';
import { fleetCost } from './figures/fleet-cost.js';
import { fairQueues } from './figures/fair-queues.js';
import { machineInfo, progress, useDynamoDbLocal } from './support/environment.js';
import type { Figure } from './support/figure.js';
import { renderTable } from './support/table.js';
import { benchRuntime } from './support/runtime.js';

const benchCommand = defineCommand({
  usage: 'npm run bench -- [options]',
  summary:
    'Measures every figure in one run on this machine, each next to its baseline from the same run, and ' +
    'prints a table (stdout) with PASS/MISS against the targets. Progress goes to stderr. Uses ' +
    'DYNAMODB_ENDPOINT when set (a running DynamoDB Local), else starts one.',
  options: {
    quick: {
      type: 'boolean',
      default: false,
      description: 'Smaller workloads: a smoke run, not the figures',
    },
    json: { type: 'boolean', default: false, description: 'Print the figures as JSON instead of the table' },
    fuzz: {
      type: 'string',
      valueName: 'requests',
      description: 'Also fuzz the webhook endpoint with N requests (--fuzz alone: 10000)',
    },
    'fuzz-seed': { type: 'string', valueName: 'seed', default: '1', description: 'Seed of the fuzz run' },
    'write-cost-doc': {
      type: 'boolean',
      default: false,
      description: 'With F1: store its counts in docs/cost-counts.json and regenerate docs/cost.md from them',
    },
    only: {
      type: 'string',
      valueName: 'ids',
      description:
        'Comma-separated figures to run: P1, P2, P2L, P2A, P3, CPU, P4, LevelBurst, P5, PagedVsBulk,\nStore30k, Reconcile100k, Cold, Load, Fuzz, F1, F2',
    },
  },
  examples: [
    'npm run bench -- --quick',
    'npm run bench -- --only P1,P3 --json',
    'npm run bench -- --only F1 --write-cost-doc',
  ],
});

const values = parseCommandLine(
  benchCommand,
  // `--fuzz` alone means the full 10,000 requests.
  process.argv
    .slice(2)
    .map((arg, i, all) => (arg === '--fuzz' && (all[i + 1] ?? '--').startsWith('--') ? '--fuzz=10000' : arg)),
);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = values.quick;
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
const wanted = (id: string) => !only || only.has(id);
const fuzzRequests =
  values.fuzz !== undefined ? Number(values.fuzz) : only?.has('Fuzz') ? (quick ? 1000 : 10_000) : 0;

const started = Date.now();
const machine = machineInfo();
progress(
  `bench${quick ? ' --quick' : ''} on ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
);
const dynamo = await useDynamoDbLocal();
const simulator = await startShopifySimulator();
const figures: Figure[] = [];
try {
  const context = { simulator, dynamoEndpoint: dynamo.endpoint, quick };
  if (wanted('P1')) figures.push(await throttleEfficiency(context));
  if (wanted('P2') || wanted('P5')) {
    const throughput = await pipelineThroughput(context);
    if (wanted('P2')) figures.push(throughput.figure);
    if (wanted('P5')) figures.push(await syncMemory(context, throughput.sync));
  }
  if (wanted('P2L')) figures.push(await pipelineWithLatency(context));
  if (wanted('P2A')) figures.push(await pipelineAgainstStandIn(context));
  if (wanted('P3')) figures.push(await bulkSyncThroughput(context));
  if (wanted('CPU')) figures.push(await cpuPerRecord(context));
  if (wanted('PagedVsBulk')) figures.push(await pagedVsBulk(context));
  // A walkthrough, not a rate: --quick runs it only when asked (npm test runs it at 800 customers).
  if (quick ? only?.has('Store30k') : wanted('Store30k')) figures.push(await largeStoreWalkthrough(context));
  // Also a walkthrough: --quick runs it (at 5,000 customers) only when asked.
  if (quick ? only?.has('Reconcile100k') : wanted('Reconcile100k'))
    figures.push(await reconcile100k(context));
  if (wanted('TokenRefresh')) figures.push(await tokenRefreshRate(context));
  if (wanted('F2')) figures.push(fairQueues());
  // The full-size fleet day (500 stores) takes hours on two cores (about 1 s a store-hour here):
  // it runs only when named, so that a plain full run still finishes (issue 22 §1 is open on it).
  if (quick ? wanted('F1') : only?.has('F1'))
    figures.push(await fleetCost({ ...context, writeCostDoc: values['write-cost-doc'] }));
  if (wanted('P4')) figures.push(...(await webhookPath(dynamo.endpoint, quick)));
  if (wanted('LevelBurst')) figures.push(await levelBurst(dynamo.endpoint, quick));
  if (wanted('P4') || wanted('Cold')) figures.push(await coldStart(root, quick));
  if (wanted('Load') || fuzzRequests > 0) {
    const bench = await benchRuntime(dynamo.endpoint);
    try {
      if (wanted('Load')) figures.push(await webhookLoad(bench));
      if (fuzzRequests > 0) figures.push(await webhookFuzz(bench, fuzzRequests, Number(values['fuzz-seed'])));
    } finally {
      await bench.stop();
    }
  }
} finally {
  await simulator.stop();
  await dynamo.stop();
}

const elapsedSeconds = Math.round((Date.now() - started) / 1000);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ machine, quick, elapsedSeconds, figures }, null, 2)}\n`);
} else {
  process.stdout.write(renderTable(figures, machine, elapsedSeconds, quick));
}
progress(`done in ${elapsedSeconds} s`);
