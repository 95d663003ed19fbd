/**
 * Large stores (issue 10): P3, a bulk initial sync of 100,000 customers against the raw
 * conditional-write ceiling and its peak RSS at 10,000; a 30,000-customer initial sync paged vs
 * bulk on Standard limits, each mirror compared with the store field by field; and Store30k, the
 * same store through the whole local runtime under both things Shopify may do at the
 * 25,000-object listing limit.
 *
 * The syncs run in child processes (bench/workers/sync-process.ts), so their CPU and peak RSS
 * are their own; the simulator serves the pages and the JSONL from this process.
 */
import type { SimulatedShop } from '../../local/shopify-simulator/index.js';
import { standardPlan } from '../../local/shopify-simulator/index.js';
import { runBenchProcess, runSyncJob } from '../support/child.js';
import { openBenchTables, progress } from '../support/environment.js';
import { type Figure, fixed, rate } from '../support/figure.js';
import { compareMirror, type MirrorReport, storedItems, storeTruth } from '../support/mirror-check.js';
import type { LargeStoreJob, LargeStoreResult } from '../workers/large-store-runtime.js';
import type { SyncJobResult } from '../workers/sync-process.js';
import {
  cpuText,
  newShop,
  type SyncBenchContext,
  unthrottled,
  warmUpDynamoDb,
  withCpu,
} from './sync-figures.js';

const mib = (kib: number) => fixed(kib / 1024, 0);

/**
 * Where the peak RSS comes from: the live heap (after full collections) against the garbage the
 * young collections promote into the old generation, which only a full collection frees.
 */
const gcText = (small: SyncJobResult, large: SyncJobResult) => {
  if (!small.gc || !large.gc) return '';
  const perCustomer = (run: SyncJobResult) => fixed(((run.gc?.promotedMiB ?? 0) * 1024) / run.customers, 1);
  // A run too short for any full collection has no live-heap figure.
  const peak = (run: SyncJobResult, value: number, digits: number) =>
    run.gc?.markCompacts ? fixed(value, digits) : '-';
  return (
    `; live heap after full GCs: peak ${peak(small, small.gc.peakLiveAfterMarkCompactMiB, 1)} -> ${peak(large, large.gc.peakLiveAfterMarkCompactMiB, 1)} MiB, ` +
    `old generation before them: peak ${peak(small, small.gc.peakOldGenerationMiB, 0)} -> ${peak(large, large.gc.peakOldGenerationMiB, 0)} MiB ` +
    `(${small.gc.markCompacts} -> ${large.gc.markCompacts} full GCs; promoted ${perCustomer(small)} -> ${perCustomer(large)} KiB a customer)`
  );
};

/** The JSONL → DynamoDB part of a bulk sync: what the worker does once Shopify's file is ready. */
const streamRate = (result: SyncJobResult) =>
  rate(result.customers, result.phases?.bulkStreamMs ?? result.elapsedMs);

export async function bulkSyncThroughput(context: SyncBenchContext): Promise<Figure> {
  const [smaller, larger] = context.quick ? [1_000, 4_000] : [10_000, 100_000];
  await warmUpDynamoDb(context);
  const small = newShop(context, smaller);
  progress(`P3 bulk sync of ${smaller} customers (RSS baseline), child process`);
  const smallRun = await runSyncJob({ ...small.job, workload: 'sync', bulk: true });
  const large = newShop(context, larger);
  progress(`P3 bulk sync of ${larger} customers, child process`);
  const { result: largeRun, cpu: syncCpu } = await withCpu(context, () =>
    runSyncJob({ ...large.job, workload: 'sync', bulk: true }),
  );
  progress(
    `P3 ceiling: bare conditional PutItems of the same ${larger} records (from the JSONL), concurrency 16`,
  );
  const { result: ceiling, cpu: ceilingCpu } = await withCpu(context, () =>
    runSyncJob({ ...large.job, workload: 'ceiling', bulk: true }),
  );
  const syncRate = streamRate(largeRun);
  const wholeRunRate = rate(largeRun.customers, largeRun.elapsedMs);
  const ceilingRate = rate(ceiling.customers, ceiling.elapsedMs);
  const ofCeiling = syncRate / ceilingRate;
  const growth = largeRun.maxRssKiB / smallRun.maxRssKiB - 1;
  const complete = largeRun.customers === larger && smallRun.customers === smaller;
  return {
    id: 'P3',
    title: `bulk initial sync (JSONL over HTTP -> DynamoDB Local, ${larger} customers)`,
    measured:
      `${fixed(syncRate)} customers/s streaming the JSONL: ${fixed(ofCeiling, 2)} of ceiling ` +
      `(whole run incl. the simulator building the file: ${fixed(wholeRunRate)}/s, ${fixed(largeRun.elapsedMs / 1000, 1)} s); ` +
      `peak RSS ${mib(smallRun.maxRssKiB)} MiB at ${smaller} -> ${mib(largeRun.maxRssKiB)} MiB at ${larger}: ${fixed(growth * 100, 1)}%` +
      `${gcText(smallRun, largeRun)}; ` +
      `CPU ms a customer (worker + simulator + DynamoDB Local): ${cpuText(syncCpu)}`,
    baseline:
      `ceiling ${fixed(ceilingRate)}/s (bare conditional PutItems, concurrency 16, same records; ` +
      `CPU ms a customer: worker ${fixed(ceilingCpu.workload, 2)}, DynamoDB Local ${ceilingCpu.dynamoDb === null ? '?' : fixed(ceilingCpu.dynamoDb, 2)})`,
    target: '>= 0.8 of ceiling, RSS growth <= 10%',
    pass: complete && ofCeiling >= 0.8 && growth <= 0.1,
    data: {
      smaller,
      larger,
      small: smallRun,
      large: largeRun,
      ceiling,
      syncRate,
      wholeRunRate,
      ceilingRate,
      ofCeiling,
      growth,
    },
  };
}

/** Compares the child's tables with the store, then drops them. */
async function checkMirror(
  context: SyncBenchContext,
  shop: SimulatedShop,
  job: { shopDomain: string; accessToken: string },
  result: SyncJobResult,
): Promise<MirrorReport> {
  const kept = result.tables;
  if (!kept) throw new Error('the sync child kept no tables to compare');
  const tables = openBenchTables(context.dynamoEndpoint, kept.prefix);
  try {
    // The truth is read through the Admin API too: lifting the bucket and the listing limit
    // makes reading it cheap, and what the sync met at the limit is not met again here.
    shop.setPlan(unthrottled);
    shop.maxPaginatedObjects = Number.MAX_SAFE_INTEGER;
    const truth = await storeTruth(
      context.simulator.adminUrlTemplate,
      job.shopDomain,
      job.accessToken,
      kept.owner,
    );
    const stored = await storedItems(tables.doc, kept.customers, kept.owner.organizationId);
    return compareMirror(truth, new Set(), stored);
  } finally {
    await tables.drop();
  }
}

const mirrorText = (report: MirrorReport) =>
  report.mismatches.length === 0
    ? `mirror exact (${report.expectedActive})`
    : `mirror OFF: ${Object.entries(report.byClass)
        .filter(([, n]) => n > 0)
        .map(([c, n]) => `${n} ${c}`)
        .join(', ')}`;

export async function pagedVsBulk(context: SyncBenchContext): Promise<Figure> {
  const customers = context.quick ? 1_500 : 30_000;
  const limit = context.quick ? 1_000 : 25_000;
  const { restoreRate, maximumAvailable } = standardPlan;

  // Paged: unthrottled, so the run is not minutes of waiting; the points it spends are what a
  // Standard store's bucket would have to restore.
  const paged = newShop(context, customers, unthrottled, {
    maxPaginatedObjects: limit,
    paginationLimitBehaviour: 'error',
  });
  progress(`PagedVsBulk paged: ${customers} customers, listing limit ${limit} (error past it), unthrottled`);
  const pagedRun = await runSyncJob({
    ...paged.job,
    workload: 'sync',
    listingLimit: limit,
    keepTables: true,
  });
  const pagedMirror = await checkMirror(context, paged.shop, paged.job, pagedRun);

  // Bulk: on Standard limits for real (its few queries never wait for the bucket).
  const bulk = newShop(context, customers, standardPlan, {
    maxPaginatedObjects: limit,
    paginationLimitBehaviour: 'silentStop',
  });
  progress(`PagedVsBulk bulk: ${customers} customers on Standard limits`);
  const bulkRun = await runSyncJob({
    ...bulk.job,
    workload: 'sync',
    bulk: true,
    listingLimit: limit,
    keepTables: true,
  });
  const bulkMirror = await checkMirror(context, bulk.shop, bulk.job, bulkRun);

  // Derived, not measured: a Standard store starts with a full bucket, then restores 100 pts/s.
  const restoreBoundSeconds = Math.max(0, pagedRun.costUsed - maximumAvailable) / restoreRate;
  const pagedSeconds = Math.max(pagedRun.elapsedMs / 1000, restoreBoundSeconds);
  const bulkSeconds = bulkRun.elapsedMs / 1000;
  const exact = [pagedMirror, bulkMirror].every((m) => m.mismatches.length === 0);
  const complete = [pagedRun, bulkRun].every((r) => r.customers >= customers);
  return {
    id: 'PagedVsBulk',
    title: `initial sync of ${customers} customers, Standard limits (100 pts/s, bucket ${maximumAvailable})`,
    measured:
      `paged: ${fixed(pagedRun.costUsed)} points, ${fixed(pagedSeconds / 60, 1)} min restore-bound ` +
      `(${fixed(pagedRun.elapsedMs / 1000, 1)} s measured unthrottled), ${mirrorText(pagedMirror)}; ` +
      `bulk: ${fixed(bulkRun.costUsed)} points, ${fixed(bulkSeconds, 1)} s measured, ${mirrorText(bulkMirror)}`,
    baseline: 'paged is the baseline (same store size, same run)',
    target: 'both mirror exactly; bulk spends fewer points and less time',
    pass: exact && complete && bulkRun.costUsed < pagedRun.costUsed && bulkSeconds < pagedSeconds,
    data: {
      customers,
      limit,
      paged: pagedRun,
      bulk: bulkRun,
      restoreBoundSeconds,
      pagedSeconds,
      bulkSeconds,
      mirrors: {
        paged: pagedMirror.byClass,
        bulk: bulkMirror.byClass,
      },
    },
  };
}

/**
 * The full-size walkthrough of test/integration/local-runtime/large-store.test.ts: initial sync,
 * webhooks, manual sync through the local runtime, for each listing-limit behaviour.
 */
export async function largeStoreWalkthrough(context: SyncBenchContext): Promise<Figure> {
  const customers = context.quick ? 1_200 : 30_000;
  const limit = context.quick ? 1_000 : 25_000;
  const results: LargeStoreResult[] = [];
  for (const behaviour of ['error', 'silentStop'] as const) {
    progress(
      `Store30k: ${customers} customers through the local runtime, listing limit ${limit} (${behaviour})`,
    );
    results.push(
      await runBenchProcess<LargeStoreResult>('workers/large-store-runtime.ts', {
        dynamoEndpoint: context.dynamoEndpoint,
        customers,
        limit,
        behaviour,
      } satisfies LargeStoreJob),
    );
  }
  const off = (step: LargeStoreResult['steps'][number]) =>
    Object.values(step.byClass ?? {}).reduce((a, b) => a + b, 0);
  const describe = (result: LargeStoreResult) =>
    `${result.behaviour}: ` +
    result.steps
      .map((step) => {
        if (!step.byClass) return `${step.step} applied ${fixed(step.seconds, 0)} s`;
        const wrong = Object.entries(step.byClass).filter(([, n]) => n > 0);
        return `${step.step} ${wrong.length === 0 ? 'exact' : `OFF (${wrong.map(([c, n]) => `${n} ${c}`).join(', ')})`} ${fixed(step.seconds, 0)} s`;
      })
      .join(', ');
  return {
    id: 'Store30k',
    title: `a ${customers}-customer store, listing limit ${limit}, through the local runtime`,
    measured: results.map(describe).join('; '),
    baseline: '-',
    target: 'mirror exact after every step, both behaviours',
    pass: results.every((r) => r.steps.length === 3 && r.steps.every((step) => off(step) === 0)),
    data: { customers, limit, results },
  };
}
