/**
 * One seeded chaos run: a store lives through a random history while every delivery path
 * misbehaves, then the mirror must equal the store, field by field.
 *
 * What runs for real: the local runtime's HTTP API with the real webhook handler (signature,
 * dedupe, conditional writes), the local SQS queue with its Lambda event source driving the real
 * sync worker handler (createSyncWorkerHandler with the production adapters), the local KMS,
 * DynamoDB Local, and the Shopify simulator over HTTP.
 *
 * What goes wrong, all from the seed:
 * - webhooks: duplicated, reordered, delayed, dropped (the simulator's delivery knobs)
 * - Admin API: 429 with Retry-After, 502/503, connection resets, truncated bodies
 * - sync workers: killed mid-page (the writer throws after writing part of a page), killed before
 *   a page (the GraphQL port throws), or running out of Lambda time after N pages (the context's
 *   remaining time drops, so the worker pauses and enqueues a continuation)
 * Then the scheduled work runs: a sync through the queue, and the deletion reconcile.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createRecordQueryStore } from '../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import { createIntegrationLifecycleStore } from '../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createKmsTokenCipher } from '../../lambdas/adapters/secrets/token-cipher.js';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import type { CustomerRecord } from '../../lambdas/core/customers/customer-record.js';
import type { Integration } from '../../lambdas/core/integrations/integration.js';
import { runDeletionReconcile } from '../../lambdas/core/reconcile/deletion-reconcile.js';
import { customersResource } from '../../lambdas/core/resources/customers.js';
import type { RecordWriter } from '../../lambdas/core/resources/resource-definition.js';
import { type ShopifyGraphql } from '../../lambdas/core/shopify-graphql.js';
import { silentLogger } from '../../lambdas/core/logger.js';
import { syncedResource } from '../../lambdas/core/sync/run-sync.js';
import { compose, syncWorkerDeps } from '../../lambdas/handlers/composition-root.js';
import { createSyncWorkerHandler } from '../../lambdas/handlers/sync-worker.js';
import type { CustomerInput } from '../../local/shopify-simulator/index.js';
import { compareMirror, type MirrorReport, storedItems, storeTruth } from '../support/mirror-check.js';
import { Random } from '../support/random.js';
import { benchRuntime, type BenchRuntime } from '../support/runtime.js';

export interface ChaosSeedOptions {
  readonly seed: number;
  /** Customer mutations in the history (create / update / delete). */
  readonly mutations?: number;
  /** Customers the store has before the first sync. */
  readonly initialCustomers?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosSeedReport {
  readonly seed: number;
  readonly mutations: number;
  readonly mirror: MirrorReport;
  readonly injected: Readonly<Record<string, number>>;
  readonly deliveries: Readonly<Record<string, number>>;
  readonly syncRuns: Readonly<Record<string, number>>;
  readonly reconcile: string;
  readonly elapsedMs: number;
}

export class WorkerKilledError extends Error {
  override readonly name = 'WorkerKilledError';
}

/** How the next sync worker invocation is sabotaged; drawn per invocation from the seed's PRNG. */
type Sabotage =
  | { readonly kind: 'none' }
  | { readonly kind: 'crash-mid-page'; readonly afterPages: number }
  | { readonly kind: 'crash-before-page'; readonly afterPages: number }
  | { readonly kind: 'timeout'; readonly afterPages: number };

interface Invocation {
  readonly sabotage: Sabotage;
  pages: number;
}

/** The per-seed chaos plan the (process-wide) sync worker consults. */
interface ChaosPlan {
  readonly random: Random;
  readonly killProbability: number;
  readonly injected: Record<string, number>;
}

const invocations = new AsyncLocalStorage<Invocation>();
let plan: ChaosPlan | undefined;

const drawSabotage = (): Sabotage => {
  if (!plan || !plan.random.chance(plan.killProbability)) return { kind: 'none' };
  const kind = plan.random.pick(['crash-mid-page', 'crash-before-page', 'timeout'] as const);
  plan.injected[kind] = (plan.injected[kind] ?? 0) + 1;
  return { kind, afterPages: plan.random.int(0, 3) };
};

/** The production writer, except that a sabotaged invocation dies after writing part of a page. */
const sabotagedWriter = (writer: RecordWriter<CustomerRecord>): RecordWriter<CustomerRecord> => ({
  async upsertMany(records, options) {
    const invocation = invocations.getStore();
    if (
      invocation?.sabotage.kind === 'crash-mid-page' &&
      invocation.pages >= invocation.sabotage.afterPages
    ) {
      const partial = records.slice(0, Math.floor(records.length / 2));
      await writer.upsertMany(partial, options);
      throw new WorkerKilledError(
        `chaos: worker killed after ${partial.length}/${records.length} writes of a page`,
      );
    }
    const counts = await writer.upsertMany(records, options);
    if (invocation) invocation.pages += 1;
    return counts;
  },
});

const sabotagedGraphql = (graphql: ShopifyGraphql): ShopifyGraphql => ({
  query(document, variables, schema, options) {
    const invocation = invocations.getStore();
    if (
      invocation?.sabotage.kind === 'crash-before-page' &&
      invocation.pages >= invocation.sabotage.afterPages
    )
      return Promise.reject(new WorkerKilledError('chaos: worker killed before a page'));
    return graphql.query(document, variables, schema, options);
  },
});

/**
 * The sync worker Lambda for the runtime: the real handler factory with the production adapters
 * (as lambdas/handlers/sync-worker.ts wires them from the environment), two of them wrapped for
 * sabotage, and a Lambda context whose remaining time can run out early.
 */
export const chaosSyncWorker = () => {
  let inner: ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) | undefined;
  const build = () => {
    const c = compose();
    return createSyncWorkerHandler({
      ...syncWorkerDeps(c),
      graphqlFor: (integration, accessToken) =>
        sabotagedGraphql(
          new ShopifyAdminClient({
            shopDomain: integration.shopDomain,
            accessToken,
            apiVersion: c.settings.SHOPIFY_API_VERSION,
            urlTemplate: c.settings.SHOPIFY_ADMIN_URL_TEMPLATE,
            // Short backoffs keep a seed quick; the retry logic itself is unchanged.
            backoffBaseMs: 50,
            backoffMaxMs: 500,
            maxRetryAfterMs: 500,
          }),
        ),
      resources: [syncedResource(customersResource, sabotagedWriter(c.customers))],
      afterSync: undefined,
      logger: silentLogger,
      pauseMarginMs: 60_000,
    });
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    inner ??= build();
    const invocation: Invocation = { sabotage: drawSabotage(), pages: 0 };
    const timedContext: Context = {
      ...context,
      getRemainingTimeInMillis: () =>
        invocation.sabotage.kind === 'timeout' && invocation.pages >= invocation.sabotage.afterPages
          ? 1_000
          : context.getRemainingTimeInMillis(),
    };
    return invocations.run(invocation, () => inner!(event, timedContext));
  };
};

/**
 * The real webhook handler, counting invocations in flight: Shopify gives up on a delivery after
 * 5 s, but the handler keeps going, so "Shopify has finished sending" does not mean "the mirror
 * has finished writing". The final phase waits for both, as a later scheduled run would.
 */
let webhooksInFlight = 0;
const countedWebhook = async (event: APIGatewayProxyEventV2, context: Context) => {
  const { handler } = await import('../../lambdas/handlers/webhook.js');
  webhooksInFlight += 1;
  try {
    return await handler(event, context);
  } finally {
    webhooksInFlight -= 1;
  }
};

const webhooksIdle = async (timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (webhooksInFlight > 0) {
    if (Date.now() > deadline) throw new Error(`${webhooksInFlight} webhook invocations still running`);
    await sleep(50);
  }
};

/** The runtime chaos runs on: the real handlers, with the sync worker above and a fast retry queue. */
export const chaosRuntime = (dynamoEndpoint: string): Promise<BenchRuntime> =>
  benchRuntime(
    dynamoEndpoint,
    { syncWorker: chaosSyncWorker(), webhook: countedWebhook },
    {
      // A failed delivery comes back after 1 s instead of 30 min; receive counts and DLQ as deployed.
      visibilityTimeoutSeconds: 1,
      pollIntervalMs: 50,
    },
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const customerPatch = (random: Random, n: number): CustomerInput => {
  const patch: Record<string, unknown> = {};
  const fields = random.int(1, 3);
  for (let i = 0; i < fields; i += 1) {
    switch (random.int(0, 6)) {
      case 0:
        patch['firstName'] = random.chance(0.1) ? null : `F${n}`;
        break;
      case 1:
        patch['lastName'] = `L${n}`;
        break;
      case 2:
        patch['email'] = random.chance(0.1) ? null : `c${n}-${random.int(1, 1e6)}@example.com`;
        break;
      case 3:
        patch['note'] = random.chance(0.3) ? null : `note ${n}`;
        break;
      case 4:
        patch['state'] = random.pick(['ENABLED', 'DISABLED', 'INVITED', 'DECLINED']);
        break;
      case 5:
        patch['taxExempt'] = random.chance(0.5);
        break;
      default:
        patch['defaultAddress'] = random.chance(0.1)
          ? null
          : { city: `City${n}`, zip: `Z${random.int(10000, 99999)}`, countryCode: 'CA', country: 'Canada' };
    }
  }
  return patch;
};

/** Waits until the sync queue is empty and no worker is busy. */
const queueIdle = async (bench: BenchRuntime, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const { visible, inFlight, delayed } = bench.runtime.syncQueue.counts();
    if (visible + inFlight + delayed === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince > 150) return;
    } else quietSince = undefined;
    await sleep(50);
  }
  throw new Error(
    `sync queue still busy after ${timeoutMs} ms: ${JSON.stringify(bench.runtime.syncQueue.counts())}`,
  );
};

const enqueueSync = (bench: BenchRuntime, integration: Integration) =>
  bench.runtime.syncQueue.send({
    body: JSON.stringify({ integrationId: integration.integrationId, trigger: 'manual' }),
  });

export async function runChaosSeed(bench: BenchRuntime, options: ChaosSeedOptions): Promise<ChaosSeedReport> {
  const started = performance.now();
  const { seed } = options;
  const mutations = options.mutations ?? 1000;
  const log = options.log ?? (() => {});
  const random = new Random(seed);
  const injected: Record<string, number> = {};
  plan = { random: new Random(seed ^ 0x5eed), killProbability: 0.35, injected };
  bench.runtime.syncWorker.start();

  const shopDomain = `chaos-${seed}-${randomUUID().slice(0, 6)}.myshopify.com`;
  const accessToken = `shpat_chaos_${seed}`;
  const shop = bench.simulator.createShop({
    shopDomain,
    accessToken,
    seed,
    seedCustomers: options.initialCustomers ?? 40,
    // A Standard-sized bucket restoring fast, so a seed is not dominated by waiting.
    plan: { restoreRate: 1000, maximumAvailable: 2000 },
  });
  const integration = await bench.connect(shopDomain, accessToken);
  for (const topic of ['CUSTOMERS_CREATE', 'CUSTOMERS_UPDATE', 'CUSTOMERS_DELETE'])
    shop.addWebhookSubscription(topic, bench.webhookUrl, 'JSON', '2026-10');
  shop.setDelivery({
    duplicateProbability: 0.15,
    dropProbability: 0.1,
    reorderWindow: random.int(2, 12),
    delayMs: { min: 0, max: 40 },
    seed,
  });
  shop.setFaults({
    random: {
      probability: 0.12,
      seed,
      faults: [
        { kind: 'rateLimited', retryAfterSeconds: 0.2 },
        { kind: 'serverError', status: 502 },
        { kind: 'serverError', status: 503 },
        { kind: 'connectionReset' },
        { kind: 'truncatedBody', declareFullLength: random.chance(0.5) },
      ],
    },
  });

  // The history, with syncs started at random points so they race the webhooks.
  const live = shop.customers().map((c) => c.id);
  const deleted = new Set<string>();
  enqueueSync(bench, integration);
  const syncEvery = Math.max(50, Math.floor(mutations / 4));
  for (let n = 0; n < mutations; n += 1) {
    const roll = random.next();
    if (live.length === 0 || roll < 0.25) {
      live.push(
        shop.createCustomer({
          firstName: `New${n}`,
          email: `new${n}@example.com`,
          ...customerPatch(random, n),
        }).id,
      );
    } else if (roll < 0.85) {
      shop.updateCustomer(random.pick(live), customerPatch(random, n));
    } else {
      const index = random.int(0, live.length - 1);
      const [id] = live.splice(index, 1);
      shop.deleteCustomer(id!);
      deleted.add(id!);
    }
    if (n % syncEvery === syncEvery - 1) enqueueSync(bench, integration);
    if (n % 20 === 19) await sleep(random.int(0, 30));
    if (n % 250 === 249) log(`seed ${seed}: ${n + 1}/${mutations} mutations`);
  }

  // Let Shopify finish sending (drops stay dropped: only the sync and the reconcile can fix them).
  await shop.flushDeliveries();
  await webhooksIdle(120_000);
  await queueIdle(bench, 120_000);

  // The scheduled work: a sync that succeeds (workers may still be killed; SQS retries), then
  // the deletion reconcile.
  const runs = createSyncRunStore(bench.doc, bench.runtime.tableNames.SyncRuns);
  let finalSync = false;
  for (let attempt = 0; attempt < 10 && !finalSync; attempt += 1) {
    const sentAt = Date.now();
    enqueueSync(bench, integration);
    await queueIdle(bench, 120_000);
    const latest = await runs.list(integration.integrationId, { limit: 5 });
    finalSync = latest.items.some(
      (run) => run.status === 'succeeded' && Date.parse(run.queuedAt) >= sentAt - 5,
    );
  }
  if (!finalSync) {
    const latest = await runs.list(integration.integrationId, { limit: 12 });
    const summary = latest.items.map((run) =>
      [run.status, run.trigger, run.skipReason, run.invocations, run.lastError?.slice(0, 80)]
        .filter(Boolean)
        .join(' '),
    );
    throw new Error(
      `seed ${seed}: no sync succeeded after the history; DLQ ${bench.runtime.deadLetterQueue.counts().visible}; ` +
        `latest runs: ${JSON.stringify(summary)}`,
    );
  }

  const reconcile = await runDeletionReconcile(
    (await createIntegrationStore(bench.doc, bench.runtime.tableNames.Integrations).get(
      integration.integrationId,
    ))!,
    {
      cipher: createKmsTokenCipher({ keyId: bench.runtime.lambdaEnv['TOKEN_KEY_ID']! }),
      shopify: (domain, token) =>
        new ShopifyAdminClient({
          shopDomain: domain,
          accessToken: token,
          apiVersion: '2026-10',
          urlTemplate: bench.simulator.adminUrlTemplate,
          backoffBaseMs: 50,
          backoffMaxMs: 500,
          maxRetryAfterMs: 500,
        }),
      resource: customersResource,
      inventory: createRecordQueryStore(bench.doc, bench.runtime.tableNames.Customers),
      writes: createRecordStore(bench.doc, bench.runtime.tableNames.Customers),
      records: createIntegrationLifecycleStore(bench.doc, bench.runtime.tableNames.Integrations),
      logger: silentLogger,
      overlapMinutes: Number(bench.runtime.lambdaEnv['SYNC_OVERLAP_MINUTES'] ?? 5),
      // The reconcile runs on its schedule, after the store has been quiet for longer than the
      // overlap. The simulator stamps each mutation a second after the last, so its clock runs
      // ahead of the wall clock; "later" is measured on the store's clock.
      now: () =>
        new Date(
          Math.max(Date.now(), ...shop.customers().map((c) => c.updatedAt)) +
            (Number(bench.runtime.lambdaEnv['SYNC_OVERLAP_MINUTES'] ?? 5) + 1) * 60_000,
        ),
    },
  );

  shop.setFaults({});
  const truth = await storeTruth(bench.simulator.adminUrlTemplate, shopDomain, accessToken, integration);
  const stored = await storedItems(bench.doc, bench.runtime.tableNames.Customers, integration.organizationId);
  const mirror = compareMirror(truth, deleted, stored);

  const attempts = shop.deliveryAttempts();
  const deliveries: Record<string, number> = {};
  for (const attempt of attempts) deliveries[attempt.outcome] = (deliveries[attempt.outcome] ?? 0) + 1;
  const syncRuns: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await runs.list(integration.integrationId, { limit: 100, ...(cursor && { cursor }) });
    for (const run of page.items) syncRuns[run.status] = (syncRuns[run.status] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor);
  const faults = shop.requests().filter((r) => r.fault !== null).length;
  injected['adminApiFaults'] = faults;
  plan = undefined;
  return {
    seed,
    mutations,
    mirror,
    injected,
    deliveries,
    syncRuns,
    reconcile:
      reconcile.outcome === 'reconciled'
        ? `reconciled (${reconcile.markedInactive.length} marked inactive)`
        : reconcile.outcome,
    elapsedMs: performance.now() - started,
  };
}

export const mismatchCount = (report: ChaosSeedReport): number => report.mirror.mismatches.length;
