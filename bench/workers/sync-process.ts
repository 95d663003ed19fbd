/**
 * One measured workload in its own process, so its peak RSS and CPU are its own and the simulator
 * (in the parent) does not share its event loop. Reads a JSON job from argv[2], prints one JSON
 * result line on stdout.
 *
 * Workloads:
 *   sync        the real pipeline: runSync + ShopifyAdminClient + DynamoDB adapters (`bulk`: the
 *               bulk strategy, JSONL streamed over HTTP, instead of pages)
 *   naive       back-to-back requests, fixed 1 s wait on THROTTLED, same writes
 *   ceiling     fetch everything first (untimed; pages, or the JSONL of one bulk operation with
 *               `bulk`), then bare conditional PutItems at `concurrency`
 *   sequential  fetch first (untimed), then a seed-like loop awaiting each conditional PutItem
 *   storeWrites fetch first (untimed), then the sync's own writes without the sync: the record
 *               store's upsertMany, pages of `pageSize` through PageWrites as the engine writes
 *               them (two pages in flight, no drain between them)
 *   floor       fetch the raw response texts first (untimed: pages, or the JSONL lines with
 *               `bulk`), then only what no sync can skip: JSON.parse, the node schema, the
 *               mapping to a record (the CPU floor a record costs, bench figure CPU)
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { GCProfiler } from 'node:v8';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../../lambdas/adapters/dynamodb/sync-state-store.js';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import type { CustomerRecord } from '../../lambdas/resources/customers/record.js';
import { customersResource } from '../../lambdas/resources/customers/index.js';
import { recordsOf } from '../../lambdas/resources/kit/definition.js';
import { silentLogger } from '../../lambdas/core/logger.js';
import { isRunning, pollBulkOperation, startBulkOperation } from '../../lambdas/core/bulk/operations.js';
import type { BulkResultReader } from '../../lambdas/core/bulk/ports.js';
import { createJsonlReader } from '../../lambdas/adapters/shopify/jsonl-lines.js';
import { customersBulkQuery } from '../../lambdas/resources/customers/shopify/documents.js';
import { PageWrites } from '../../lambdas/core/sync/page-writes.js';
import { defaultSyncConfig } from '../../lambdas/core/sync-config.js';
import { syncedResource } from '../../lambdas/core/sync/resource-loop.js';
import { runSync } from '../../lambdas/core/sync/run-sync.js';
import { type BenchTables, createBenchTables } from '../support/environment.js';

export const syncJobSchema = z.object({
  workload: z.enum(['sync', 'naive', 'ceiling', 'sequential', 'storeWrites', 'floor']),
  dynamoEndpoint: z.string(),
  adminUrlTemplate: z.string(),
  shopDomain: z.string(),
  accessToken: z.string(),
  apiVersion: z.string().default(SHOPIFY_API_VERSION),
  concurrency: z.number().int().positive().default(defaultSyncConfig.writeConcurrency),
  /** naive: the page size it always asks for; storeWrites: records per upsertMany. */
  pageSize: z.number().int().positive().default(250),
  /** ceiling / sequential: write at most this many records (timed part). */
  limit: z.number().int().positive().optional(),
  /** sync: the bulk strategy (threshold 0); ceiling: records read from one bulk operation's JSONL. */
  bulk: z.boolean().default(false),
  /** sync: the listing limit the engine assumes (the simulator's is set on the shop). */
  listingLimit: z.number().int().positive().optional(),
  /** Leave the tables for the parent to compare with the store (it drops them). */
  keepTables: z.boolean().default(false),
});
export type SyncJob = z.input<typeof syncJobSchema>;

export interface SyncJobResult {
  readonly workload: SyncJob['workload'];
  readonly customers: number;
  readonly elapsedMs: number;
  readonly costUsed: number;
  readonly throttled: number;
  readonly requests: number;
  readonly maxRssKiB: number;
  /** sync: the largest V8 heap and off-heap (Buffers, ArrayBuffers) seen, sampled every 250 ms (MiB). */
  readonly memoryPeaks?: {
    readonly heapTotalMiB: number;
    readonly externalMiB: number;
    readonly arrayBuffersMiB: number;
  };
  /** sync: what V8's collections saw during the timed part (node:v8 GCProfiler, no flags). */
  readonly gc?: GcSummary;
  /** CPU time of this process during the timed part (user + system). */
  readonly cpuMs?: number;
  /** sync: where the time went (ms, summed over calls; writes overlap the fetch ahead). */
  readonly phases?: SyncPhases;
  /** keepTables: what the parent needs to compare the mirror and drop the tables. */
  readonly tables?: { readonly prefix: string; readonly customers: string; readonly owner: Owner };
}

/**
 * Separates what a sync holds from garbage V8 has not collected yet: the heap after each full
 * (mark-compact) collection is what was live; bytes moved into the old generation by the young
 * collections are what a later full collection has to free, and what V8 sizes the old generation
 * for. Peak RSS follows the old generation's high-water mark between full collections.
 */
export interface GcSummary {
  readonly scavenges: number;
  readonly markCompacts: number;
  /** The largest heap in use right after a mark-compact (MiB): the live heap, at its peak. */
  readonly peakLiveAfterMarkCompactMiB: number;
  /** The largest old generation (old + large-object space) in use before a mark-compact (MiB). */
  readonly peakOldGenerationMiB: number;
  /** Bytes the young collections moved into the old generation (old + large-object space), MiB. */
  readonly promotedMiB: number;
}

const OLD_GENERATION = new Set(['old_space', 'large_object_space']);

interface GcStatistic {
  readonly gcType: string;
  readonly beforeGC: GcHeap;
  readonly afterGC: GcHeap;
}
interface GcHeap {
  readonly heapStatistics: { readonly usedHeapSize: number };
  readonly heapSpaceStatistics: readonly { readonly spaceName: string; readonly spaceUsedSize: number }[];
}

const oldGeneration = (heap: GcHeap) =>
  heap.heapSpaceStatistics
    .filter((space) => OLD_GENERATION.has(space.spaceName))
    .reduce((sum, space) => sum + space.spaceUsedSize, 0);

export function summarizeGc(statistics: readonly GcStatistic[]): GcSummary {
  const mib = (bytes: number) => bytes / 2 ** 20;
  let scavenges = 0;
  let markCompacts = 0;
  let peakLive = 0;
  let peakOld = 0;
  let promoted = 0;
  for (const gc of statistics) {
    if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkSweep') {
      scavenges += 1;
      promoted += Math.max(0, oldGeneration(gc.afterGC) - oldGeneration(gc.beforeGC));
    } else if (gc.gcType === 'MarkSweepCompact') {
      markCompacts += 1;
      peakLive = Math.max(peakLive, gc.afterGC.heapStatistics.usedHeapSize);
      peakOld = Math.max(peakOld, oldGeneration(gc.beforeGC));
    }
  }
  return {
    scavenges,
    markCompacts,
    peakLiveAfterMarkCompactMiB: mib(peakLive),
    peakOldGenerationMiB: mib(peakOld),
    promotedMiB: mib(promoted),
  };
}

export interface SyncPhases {
  /** GraphQL round trips (pages, nested pages, bulk start and polls), in the child's view. */
  readonly graphqlMs: number;
  readonly graphqlCalls: number;
  /** Time with a page (or a bulk batch) being written: from a first write to the writes' drain. */
  readonly writeMs: number;
  readonly writeCalls: number;
  /** Checkpoint saves (SyncRuns UpdateItem). */
  readonly checkpointMs: number;
  /** Lease renewals after each checkpoint (Integrations UpdateItem). */
  readonly leaseMs: number;
  readonly saves: number;
  /** bulk: from the request for the JSONL to its last line written. */
  readonly bulkStreamMs?: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

/** `fn`, reporting the duration of each call to `add`. */
const timed =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>, add: (ms: number) => void) =>
  async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      add(performance.now() - started);
    }
  };

const connectionSchema = z.object({
  customers: z.object({
    nodes: z.array(z.unknown()),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

/** Runs one workload; `onStart` is called just before the timed part (e.g. to drain the bucket). */
export async function runWorkload(input: SyncJob, onStart: () => void = () => {}): Promise<SyncJobResult> {
  const job = syncJobSchema.parse(input);
  const tables = await createBenchTables(job.dynamoEndpoint, 'p');
  const { names } = tables;
  const organizationId = `org-${randomUUID()}`;
  const integrationId = `int-${randomUUID()}`;
  const owner = { organizationId, integrationId, shopDomain: job.shopDomain };
  const customers = createRecordStore(tables.doc, names.Customers);
  const client = () =>
    new ShopifyAdminClient({
      shopDomain: job.shopDomain,
      accessToken: job.accessToken,
      apiVersion: job.apiVersion,
      urlTemplate: job.adminUrlTemplate,
    });

  let result: Omit<SyncJobResult, 'maxRssKiB' | 'workload' | 'tables'>;
  if (job.workload === 'sync') {
    result = await measuredSync(job, tables, owner, customers, client, onStart);
  } else if (job.workload === 'naive') {
    result = await naiveSync(job, owner, customers, onStart);
  } else if (job.workload === 'floor') {
    result = await parseAndMapFloor(job, owner, client, onStart);
  } else {
    const records = job.bulk ? await fetchAllInBulk(client(), owner) : await fetchAll(client(), owner);
    const batch = records.slice(0, job.limit ?? records.length);
    onStart();
    const cpu = process.cpuUsage();
    const started = performance.now();
    if (job.workload === 'storeWrites') {
      // As the engine writes an initial sync's pages: the next page starts before the last one
      // drains, and records are created first (the tables are new).
      const writes = new PageWrites(customers, job.concurrency, true);
      const pages: Promise<unknown>[] = [];
      for (let at = 0; at < batch.length; at += job.pageSize) {
        pages.push(writes.start(batch.slice(at, at + job.pageSize)));
        if (pages.length > 1) await pages.shift();
      }
      await Promise.all(pages);
    } else {
      await putAll(tables.doc, names.Customers, batch, job.workload === 'ceiling' ? job.concurrency : 1);
    }
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    result = {
      customers: batch.length,
      elapsedMs,
      costUsed: 0,
      throttled: 0,
      requests: 0,
      cpuMs: (used.user + used.system) / 1000,
    };
  }
  if (!job.keepTables) await tables.drop();
  return {
    workload: job.workload,
    ...result,
    maxRssKiB: process.resourceUsage().maxRSS,
    ...(job.keepTables && {
      tables: { prefix: tables.prefix, customers: names.Customers, owner },
    }),
  };
}

/** The real pipeline (paged or bulk), with the time of each kind of round trip recorded. */
async function measuredSync(
  job: z.infer<typeof syncJobSchema>,
  tables: BenchTables,
  owner: Owner,
  customers: ReturnType<typeof createRecordStore>,
  client: () => ShopifyAdminClient,
  onStart: () => void,
): Promise<Omit<SyncJobResult, 'maxRssKiB' | 'workload' | 'tables'>> {
  const { names } = tables;
  const { organizationId, integrationId } = owner;
  const integrations = createIntegrationStore(tables.doc, names.Integrations);
  const now = new Date().toISOString();
  await integrations.put({
    integrationId,
    organizationId,
    shopDomain: job.shopDomain,
    status: 'ACTIVE',
    encryptedAccessToken: 'bench-token',
    createdAt: now,
    updatedAt: now,
  });
  let requests = 0;
  const phases = {
    graphqlMs: 0,
    graphqlCalls: 0,
    writeMs: 0,
    writeCalls: 0,
    checkpointMs: 0,
    leaseMs: 0,
    saves: 0,
  };
  let bulkStreamMs: number | undefined;
  const runStore = createSyncRunStore(tables.doc, names.SyncRuns);
  const runs = {
    ...runStore,
    saveProgress: timed(runStore.saveProgress.bind(runStore), (ms) => {
      phases.checkpointMs += ms;
      phases.saves += 1;
    }),
  };
  const stateStore = createSyncStateStore(tables.doc, names.Integrations);
  const state = {
    ...stateStore,
    renewLease: timed(stateStore.renewLease.bind(stateStore), (ms) => (phases.leaseMs += ms)),
  };
  // Pages' writes overlap (a page starts before the last one drains): the time with any page
  // being written, not the sum of each page's.
  let writing = 0;
  let writingSince = 0;
  const writer: typeof customers = {
    ...customers,
    async upsertMany(records, options) {
      if (writing++ === 0) writingSince = performance.now();
      phases.writeCalls += 1;
      try {
        return await customers.upsertMany(records, options);
      } finally {
        if (--writing === 0) phases.writeMs += performance.now() - writingSince;
      }
    },
  };
  const reader = createJsonlReader();
  const bulkResults: BulkResultReader = {
    async *lines(url, fromLine) {
      const started = performance.now();
      try {
        yield* reader.lines(url, fromLine);
      } finally {
        bulkStreamMs = (bulkStreamMs ?? 0) + performance.now() - started;
      }
    },
  };
  // Where a growing RSS would come from: the V8 heap, or buffers held off it (e.g. a download
  // read ahead of the writes).
  const peaks: {
    heapTotalMiB: number;
    externalMiB: number;
    arrayBuffersMiB: number;
    heapUsedAfterGcMiB?: number;
  } = { heapTotalMiB: 0, externalMiB: 0, arrayBuffersMiB: 0 };
  const sampleMemory = () => {
    const usage = process.memoryUsage();
    peaks.heapTotalMiB = Math.max(peaks.heapTotalMiB, usage.heapTotal / 2 ** 20);
    peaks.externalMiB = Math.max(peaks.externalMiB, usage.external / 2 ** 20);
    peaks.arrayBuffersMiB = Math.max(peaks.arrayBuffersMiB, usage.arrayBuffers / 2 ** 20);
  };
  const sampler = setInterval(sampleMemory, 250);
  const gcProfiler = new GCProfiler();
  gcProfiler.start();
  onStart();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = await runSync(
    {
      message: { integrationId, trigger: 'manual' },
      messageId: randomUUID(),
      sentAt: Date.now(),
      receiveCount: 1,
      shouldPause: () => false,
    },
    {
      integrations,
      runs,
      state,
      queue: { send: async (messages) => ({ sent: messages.length, failed: [] }) },
      // KMS is not part of the measured path: the token is handed over as is.
      tokens: { decrypt: async () => job.accessToken },
      graphqlFor: () => {
        const inner = client();
        return {
          query: timed(
            (...args: Parameters<ShopifyAdminClient['query']>) => {
              requests += 1;
              return inner.query(...args);
            },
            (ms) => {
              phases.graphqlMs += ms;
              phases.graphqlCalls += 1;
            },
          ),
          // The production client's bucket estimate: the engine sizes pages from it.
          availableNow: () => inner.availableNow(),
        } as ShopifyAdminClient;
      },
      resources: [syncedResource(customersResource, writer)],
      now: Date.now,
      logger: silentLogger,
      config: {
        ...defaultSyncConfig,
        writeConcurrency: job.concurrency,
        ...(job.listingLimit !== undefined && { maxObjectsPerQuery: job.listingLimit }),
        // Bulk whenever asked (any store size), never otherwise.
        bulkThreshold: job.bulk ? 0 : Number.MAX_SAFE_INTEGER,
      },
      ...(job.bulk && { bulkResults, bulkPollDelayMs: 25 }),
    },
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const collections = summarizeGc(gcProfiler.stop()?.statistics ?? []);
  sampleMemory();
  // With --expose-gc (NODE_OPTIONS): what the heap still holds once collected, i.e. retained.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    peaks.heapUsedAfterGcMiB = process.memoryUsage().heapUsed / 2 ** 20;
  }
  if (outcome.outcome !== 'succeeded') throw new Error(`sync ended ${JSON.stringify(outcome)}`);
  const run = await runs.get(integrationId, outcome.runId);
  return {
    customers: run?.resources?.['customers']?.seen ?? 0,
    elapsedMs,
    costUsed: run?.calls?.shopifyCostUsed ?? 0,
    throttled: run?.calls?.throttledResponses ?? 0,
    requests,
    cpuMs: (used.user + used.system) / 1000,
    memoryPeaks: peaks,
    gc: collections,
    phases: {
      ...phases,
      ...(bulkStreamMs !== undefined && { bulkStreamMs }),
      cpuUserMs: used.user / 1000,
      cpuSystemMs: used.system / 1000,
    },
  };
}

export type Owner = { organizationId: string; integrationId: string; shopDomain: string };

const toRecords = (nodes: readonly unknown[], owner: Owner): CustomerRecord[] =>
  nodes.flatMap((node) => recordsOf(customersResource, customersResource.nodeSchema.parse(node), owner));

/**
 * What a first attempt usually looks like: ask for the maximum page, send the next request as
 * soon as the last one returns, and on THROTTLED sleep a fixed second and try again.
 */
async function naiveSync(
  job: z.infer<typeof syncJobSchema>,
  owner: Owner,
  customers: ReturnType<typeof createRecordStore>,
  onStart: () => void,
): Promise<Omit<SyncJobResult, 'maxRssKiB' | 'workload' | 'tables'>> {
  const url = job.adminUrlTemplate.replace('{shop}', job.shopDomain).replace('{version}', job.apiVersion);
  let after: string | null = null;
  let count = 0;
  let costUsed = 0;
  let throttled = 0;
  let requests = 0;
  onStart();
  const started = performance.now();
  for (;;) {
    requests += 1;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': job.accessToken },
      body: JSON.stringify({
        query: customersResource.document,
        variables: { first: job.pageSize, after, query: null },
      }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { extensions?: { code?: string } }[];
      extensions?: { cost?: { actualQueryCost?: number | null } };
    };
    costUsed += body.extensions?.cost?.actualQueryCost ?? 0;
    if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
      throttled += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (body.errors?.length) throw new Error(`naive client: ${JSON.stringify(body.errors).slice(0, 300)}`);
    const page = connectionSchema.parse(body.data).customers;
    await customers.upsertMany(toRecords(page.nodes, owner), { concurrency: job.concurrency });
    count += page.nodes.length;
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { customers: count, elapsedMs: performance.now() - started, costUsed, throttled, requests };
}

/**
 * The CPU a record costs at the least: its text parsed, checked against the node schema, mapped
 * to a record. The texts are fetched first, untimed: pages of 200 (under the 1,000-point query cost
 * cap), or the bulk operation's JSONL lines.
 */
async function parseAndMapFloor(
  job: z.infer<typeof syncJobSchema>,
  owner: Owner,
  client: () => ShopifyAdminClient,
  onStart: () => void,
): Promise<Omit<SyncJobResult, 'maxRssKiB' | 'workload' | 'tables'>> {
  const texts = job.bulk ? await bulkLines(client()) : await pageTexts(job);
  onStart();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  const keep: CustomerRecord[] = [];
  for (const text of texts) {
    const nodes = job.bulk
      ? [JSON.parse(text) as unknown]
      : connectionSchema.parse((JSON.parse(text) as { data: unknown }).data).customers.nodes;
    const records = toRecords(nodes, owner);
    count += records.length;
    // Kept, so the mapping cannot be optimised away and the heap holds what a sync's page holds.
    keep.push(records.at(-1)!);
    if (keep.length > 64) keep.shift();
  }
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    customers: count,
    elapsedMs,
    costUsed: 0,
    throttled: 0,
    requests: 0,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** The raw body of every page of 200 customers (no slicing: the floor runs below the listing limit). */
async function pageTexts(job: z.infer<typeof syncJobSchema>): Promise<string[]> {
  const url = job.adminUrlTemplate.replace('{shop}', job.shopDomain).replace('{version}', job.apiVersion);
  const texts: string[] = [];
  let after: string | null = null;
  for (;;) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': job.accessToken },
      body: JSON.stringify({
        query: customersResource.document,
        variables: { first: 200, after, query: null },
      }),
    });
    const text = await response.text();
    texts.push(text);
    const page = connectionSchema.parse((JSON.parse(text) as { data: unknown }).data).customers;
    if (!page.pageInfo.hasNextPage) return texts;
    after = page.pageInfo.endCursor;
  }
}

/** The JSONL lines of one bulk operation of the shop's customers. */
async function bulkLines(client: ShopifyAdminClient): Promise<string[]> {
  const { started } = await startBulkOperation(client, customersBulkQuery);
  if (started === 'busy') throw new Error('a bulk operation of this shop is already running');
  for (;;) {
    const { operation } = await pollBulkOperation(client, started.id);
    if (!operation) throw new Error(`bulk operation ${started.id} vanished`);
    if (!isRunning(operation.status)) {
      if (operation.status !== 'COMPLETED') throw new Error(`bulk operation ended ${operation.status}`);
      const lines: string[] = [];
      if (operation.url !== null)
        for await (const line of createJsonlReader().lines(operation.url, 0)) lines.push(line);
      return lines;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every customer of the shop as canonical records, through the Admin API (slices past 20k). */
export async function fetchAll(client: ShopifyAdminClient, owner: Owner): Promise<CustomerRecord[]> {
  const records: CustomerRecord[] = [];
  let after: string | null = null;
  let query: string | null = null;
  let inSlice = 0;
  let lastUpdatedAt: string | null = null;
  const seen = new Set<string>();
  for (;;) {
    const { data }: { data: z.infer<typeof connectionSchema> } = await client.query(
      customersResource.document,
      { first: 200, after, query },
      connectionSchema,
    );
    for (const record of toRecords(data.customers.nodes, owner)) {
      if (seen.has(record.shopifyId)) continue;
      seen.add(record.shopifyId);
      records.push(record);
      lastUpdatedAt = record.shopifyUpdatedAt;
    }
    inSlice += data.customers.nodes.length;
    if (!data.customers.pageInfo.hasNextPage) return records;
    // Past 20k objects restart the query from the last update time (Shopify's 25k cursor cap).
    if (inSlice >= 20_000 && lastUpdatedAt) {
      query = customersResource.updatedSince(lastUpdatedAt);
      after = null;
      inSlice = 0;
    } else {
      after = data.customers.pageInfo.endCursor;
    }
  }
}

/** Every customer of the shop as canonical records, from the JSONL of one bulk operation. */
async function fetchAllInBulk(client: ShopifyAdminClient, owner: Owner): Promise<CustomerRecord[]> {
  return (await bulkLines(client)).flatMap((line) => toRecords([JSON.parse(line)], owner));
}

/** The same condition the store uses (newest wins), without the store's expression building. */
async function putAll(
  doc: BenchTables['doc'],
  tableName: string,
  records: readonly CustomerRecord[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++]!;
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...record, status: 'ACTIVE' },
          ConditionExpression: 'attribute_not_exists(shopifyUpdatedAt) OR shopifyUpdatedAt <= :u',
          ExpressionAttributeValues: { ':u': record.shopifyUpdatedAt },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runWorkload(JSON.parse(process.argv[2] ?? '{}') as SyncJob)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
