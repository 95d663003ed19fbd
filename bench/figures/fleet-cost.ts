/**
 * F1 (issue 22 §1): what a store costs per month, by class, from every billable request a
 * simulated day of a fleet makes on the local runtime; and an idle store against its floor.
 * `--write-cost-doc` stores the counts (docs/cost-counts.json) and regenerates docs/cost.md's
 * section from them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchProcess } from '../support/child.js';
import {
  classCosts,
  type FleetCounts,
  idleFloorMonth,
  formatAs,
  idleRatio,
  regeneratedCostDoc,
} from '../support/cost-model.js';
import { progress } from '../support/environment.js';
import type { Figure } from '../support/figure.js';
import type { FleetDayJob, FleetDayResult } from '../workers/fleet-day.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const costCountsPath = path.join(root, 'docs/cost-counts.json');
export const costDocPath = path.join(root, 'docs/cost.md');

const fleetOf = (quick: boolean): FleetDayJob['classes'] =>
  quick
    ? {
        idle: { stores: 20, customers: 20, orders: 10, products: 5, changesPerHour: 0 },
        busy: { stores: 4, customers: 40, orders: 20, products: 10, changesPerHour: 6 },
        large: { stores: 1, customers: 1_500, orders: 300, products: 50, changesPerHour: 30 },
      }
    : {
        idle: { stores: 440, customers: 40, orders: 15, products: 10, changesPerHour: 0 },
        busy: { stores: 50, customers: 60, orders: 30, products: 15, changesPerHour: 6 },
        large: { stores: 10, customers: 3_000, orders: 600, products: 100, changesPerHour: 30 },
      };

const describeClass = (sizes: FleetDayJob['classes'][keyof FleetDayJob['classes']]) =>
  `${sizes.customers.toLocaleString('en-US')} customers, ${sizes.orders} orders, ${sizes.products} products; ${sizes.changesPerHour} changes/h`;

export async function fleetCost(context: {
  readonly dynamoEndpoint: string;
  readonly quick: boolean;
  readonly writeCostDoc?: boolean;
}): Promise<Figure> {
  const classes = fleetOf(context.quick);
  const job: FleetDayJob = {
    dynamoEndpoint: context.dynamoEndpoint,
    hours: 24,
    classes,
    // Large stores' syncs and daily reconciles go through bulk operations, as a store past the
    // default threshold (10,000) does; their size keeps the bench's DynamoDB Local within reach.
    bulkThreshold: context.quick ? 1_000 : 2_000,
  };
  const stores = Object.values(classes).reduce((sum, c) => sum + c.stores, 0);
  progress(`F1: ${stores} stores, a day of hourly rounds`);
  const result = await runBenchProcess<FleetDayResult>('workers/fleet-day.ts', job);
  const counts: FleetCounts = {
    hours: result.hours,
    storesTotal: result.storesTotal,
    classes: result.classes,
    fleet: result.fleet,
    classSizes: Object.fromEntries(
      Object.entries(classes).map(([cls, sizes]) => [cls, describeClass(sizes)]),
    ),
    measuredAt: new Date().toISOString().slice(0, 10),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim(),
  };
  const costs = classCosts(counts);
  const ratio = idleRatio(counts);
  if (context.writeCostDoc) {
    writeFileSync(costCountsPath, await formatAs(JSON.stringify(counts), costCountsPath));
    writeFileSync(
      costDocPath,
      await regeneratedCostDoc(readFileSync(costDocPath, 'utf8'), counts, costDocPath),
    );
    progress(`F1: wrote ${path.relative(root, costCountsPath)} and regenerated docs/cost.md`);
  }
  const perClass = costs.map((c) => `${c.cls} $${c.totalMonth.toFixed(4)}`).join(', ');
  return {
    id: 'F1',
    title: `Cost per store-month by class: a simulated day of ${stores} stores (${Object.entries(classes)
      .map(([cls, c]) => `${c.stores} ${cls}`)
      .join(', ')}) on the local runtime`,
    measured: `${perClass}; idle store **${ratio.toFixed(2)}x** its floor (${result.roundsComplete}/${result.hours} rounds synced every store; day ${Math.round(result.daySeconds)} s)`,
    baseline: `idle floor $${idleFloorMonth().toFixed(4)}/month (1 Admin call, 1 invocation, 1 conditional write an hour)`,
    target: 'idle store <= 2x its floor',
    pass: ratio <= 2 && result.roundsComplete === result.hours,
    data: { ...counts, costs, ratio, onboardSeconds: result.onboardSeconds, daySeconds: result.daySeconds },
  };
}
