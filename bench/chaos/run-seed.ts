/**
 * One seeded chaos run: a store lives through a random history of every registered resource
 * (each churned by its module in chaos/resources/: customers, orders with hundreds of line items
 * now and then, products with more variants than a page holds, locations, inventory items and
 * levels, collections and their members, and the metafields of customers, orders and products) while every delivery path misbehaves; then each
 * registered resource's table must equal the store, field by field.
 *
 * What runs for real: the local runtime's HTTP API with the real webhook handler (signature,
 * dedupe, conditional writes) or, in `eventbridge` mode, the local partner bus, its rule and queue
 * and the real EventBridge ingest (the same core), the local SQS queue with its Lambda event source driving the real
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
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createIntegrationLifecycleStore } from '../../lambdas/adapters/dynamodb/integration-lifecycle-store.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createKmsTokenCipher } from '../../lambdas/adapters/secrets/token-cipher.js';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import type { Integration } from '../../lambdas/core/integrations/integration.js';
import {
  RECONCILE_AT_LEAST_EVERY_MS,
  runDeletionReconcile,
} from '../../lambdas/core/reconcile/deletion-reconcile.js';
import type { MetafieldNamespaces } from '../../lambdas/resources/kit/metafields.js';
import type { MirroredRecord } from '../../lambdas/resources/kit/mirrored-record.js';
import type { RecordWriter } from '../../lambdas/resources/kit/definition.js';
import { type ShopifyGraphql } from '../../lambdas/shopify/graphql.js';
import { silentLogger } from '../../lambdas/core/logger.js';
import { syncedResource } from '../../lambdas/core/sync/resource-loop.js';
import { compose, syncWorkerDeps } from '../../lambdas/handlers/composition-root.js';
import { createSyncWorkerHandler } from '../../lambdas/handlers/sync-worker.js';
import { chaosModulesFor } from './resources/index.js';
import type { ChaosModule } from './resources/kit.js';
import { webhookTopicsFor } from '../../lambdas/core/integrations/webhook-subscriptions.js';
import { registeredResources, resourceNames } from '../../lambdas/resources/registry.js';
import {
  absentFrom,
  compareMirror,
  type MirrorReport,
  type MismatchClass,
  mismatchClasses,
  resourceTruth,
  storedItems,
} from '../support/mirror-check.js';
import { Random } from '../support/random.js';
import { benchRuntime, type BenchRuntime } from '../support/runtime.js';

export interface ChaosSeedOptions {
  readonly seed: number;
  /** Changes in the history, each of one registered resource (bench/chaos/resources/). */
  readonly mutations?: number;
  /** Customers the store has before the first sync. */
  readonly initialCustomers?: number;
  /** Orders before the first sync (the first with 320 line items) and products (the first with 35 variants). */
  readonly initialOrders?: number;
  readonly initialProducts?: number;
  /** Inventory items before the first sync, each stocked at both seeded locations. */
  readonly initialInventoryItems?: number;
  readonly initialCollections?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosSeedReport {
  readonly seed: number;
  readonly mutations: number;
  /** Each resource's table against the store. */
  readonly mirror: Readonly<Record<string, MirrorReport>>;
  /** Mismatches of every resource, by class. */
  readonly byClass: Readonly<Record<MismatchClass, number>>;
  /** Metafields the store's live customers, orders and products hold in the mirrored namespaces. */
  readonly metafields: number;
  /** Mutations of the history, by resource and kind (`orders.create`). */
  readonly history: Readonly<Record<string, number>>;
  readonly injected: Readonly<Record<string, number>>;
  readonly deliveries: Readonly<Record<string, number>>;
  readonly syncRuns: Readonly<Record<string, number>>;
  readonly reconcile: string;
  /** Refresh grants, Admin calls with an expired token, refresh tokens spent twice; the credential's kind at the end. */
  readonly tokens: {
    readonly refreshes: number;
    readonly expiredTokenCalls: number;
    readonly refreshTokenReuses: number;
    readonly kind: string;
  };
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

/** The chaos worker's Lambda timeout and the margin at which it pauses and hands over. */
const chaosWorker = { timeoutSeconds: 4, pauseMarginMs: 1_500 } as const;

const invocations = new AsyncLocalStorage<Invocation>();
let plan: ChaosPlan | undefined;

const drawSabotage = (): Sabotage => {
  if (!plan || !plan.random.chance(plan.killProbability)) return { kind: 'none' };
  const kind = plan.random.pick(['crash-mid-page', 'crash-before-page', 'timeout'] as const);
  plan.injected[kind] = (plan.injected[kind] ?? 0) + 1;
  return { kind, afterPages: plan.random.int(0, 3) };
};

/** The production writer, except that a sabotaged invocation dies after writing part of a page. */
const sabotagedWriter = <TRecord extends MirroredRecord>(
  writer: RecordWriter<TRecord>,
): RecordWriter<TRecord> => ({
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
      // Every resource of the deployment (all registered ones), each writer sabotaged the same way.
      resources: c.mirrors.map((mirror) => syncedResource(mirror.definition, sabotagedWriter(mirror.store))),
      afterSync: undefined,
      logger: silentLogger,
      pauseMarginMs: chaosWorker.pauseMarginMs,
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
/** The EventBridge transport's ingest (SQS batches), counted the same way. */
const countedWebhookEvents = async (event: SQSEvent, context: Context) => {
  const { handler } = await import('../../lambdas/handlers/webhook-events.js');
  webhooksInFlight += 1;
  try {
    return await handler(event, context);
  } finally {
    webhooksInFlight -= 1;
  }
};

/** No webhook invocation running, and (EventBridge) nothing left on the webhook queue. */
const webhooksIdle = async (bench: BenchRuntime, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  const queued = () => {
    const counts = bench.runtime.webhookQueue?.counts();
    return counts ? counts.visible + counts.inFlight + counts.delayed : 0;
  };
  while (webhooksInFlight > 0 || queued() > 0) {
    if (Date.now() > deadline)
      throw new Error(`${webhooksInFlight} webhook invocations still running, ${queued()} events queued`);
    await sleep(50);
  }
};

export type WebhookDeliveryMode = 'https' | 'eventbridge';

/**
 * The runtime chaos runs on: the real handlers, with the sync worker above and a fast retry
 * queue; webhooks arrive over HTTPS or through the partner bus, its queue and the batch ingest.
 */
export const chaosRuntime = (
  dynamoEndpoint: string,
  webhookDelivery: WebhookDeliveryMode = 'https',
): Promise<BenchRuntime> =>
  benchRuntime(
    dynamoEndpoint,
    { syncWorker: chaosSyncWorker(), webhook: countedWebhook, webhookEvents: countedWebhookEvents },
    {
      // A small Lambda (seconds, not 15 minutes) so runs pause and continue often, under the
      // deployed queue's rule that a message stays hidden for 6x the worker's timeout: with a
      // visibility shorter than an invocation, SQS would hand a message still being worked on
      // to a second worker and spend its receives (and reach the DLQ) while the first still runs.
      workerTimeoutSeconds: chaosWorker.timeoutSeconds,
      visibilityTimeoutSeconds: 6 * chaosWorker.timeoutSeconds,
      pollIntervalMs: 50,
    },
    // A failed attempt asks SQS to retry it after 1 s (the worker's own backoff) instead of minutes.
    // A public app: the store's static token is migrated on its first sync, then its short-lived
    // tokens (15-40 s, drawn per seed) are refreshed while syncs, reconciles and health checks race.
    // Every registered resource, the opt-in ones too.
    {
      SYNC_RETRY_BASE_SECONDS: '1',
      SYNC_RETRY_MAX_SECONDS: '1',
      SHOPIFY_APP_DISTRIBUTION: 'public',
      SYNCED_RESOURCES: resourceNames.join(','),
      METAFIELD_NAMESPACES: JSON.stringify(chaosMetafieldNamespaces),
    },
    webhookDelivery,
  );

/**
 * The metafields chaos mirrors: one namespace on customers and orders, two on products (whose
 * `metafields` connection then lists every namespace, and the mapping keeps these two).
 */
export const chaosMetafieldNamespaces: MetafieldNamespaces = {
  customers: ['chaos'],
  orders: ['chaos'],
  products: ['chaos', 'specs'],
};

const metafieldsOf = (record: MirroredRecord): readonly unknown[] =>
  (record as { readonly metafields?: readonly unknown[] }).metafields ?? [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resource's module, drawn by weight: the seed's next change is one of its. */
const pickModule = (modules: readonly ChaosModule[], random: Random): ChaosModule => {
  let roll = random.next() * modules.reduce((sum, module) => sum + module.weight, 0);
  for (const module of modules) {
    if (roll < module.weight) return module;
    roll -= module.weight;
  }
  return modules[modules.length - 1]!;
};

/** Waits until the sync queue is empty and no worker is busy. */
const queueIdle = async (bench: BenchRuntime, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const { visible, inFlight, delayed } = bench.runtime.syncQueueCounts();
    if (visible + inFlight + delayed === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince > 150) return;
    } else quietSince = undefined;
    await sleep(50);
  }
  throw new Error(
    `sync queue still busy after ${timeoutMs} ms: ${JSON.stringify(bench.runtime.syncQueueCounts())}`,
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
  const c = compose();
  const modules = chaosModulesFor(resourceNames, c.settings.METAFIELD_NAMESPACES);
  const unmirrored = resourceNames.filter((name) => !c.mirrors.some((mirror) => mirror.name === name));
  if (unmirrored.length > 0) throw new Error(`chaos: the runtime does not mirror ${unmirrored.join(', ')}`);
  const injected: Record<string, number> = {};
  plan = { random: new Random(seed ^ 0x5eed), killProbability: 0.35, injected };
  // Both lanes: manual syncs run on the incremental one, initial syncs and continuations on the other.
  bench.runtime.syncWorker.start();
  bench.runtime.incrementalSyncWorker.start();
  const oauth = bench.simulator.oauth;
  // 15-40 s: most seeds outlive a token, so refreshes race the syncs, reconciles and health checks.
  oauth.configure({ accessTokenTtlSeconds: random.int(15, 40) });
  const tokensBefore = {
    expiredTokenCalls: oauth.stats.expiredTokenCalls,
    refreshTokenReuses: oauth.stats.refreshTokenReuses,
  };
  const healthChecks: Promise<void>[] = [];

  const shopDomain = `chaos-${seed}-${randomUUID().slice(0, 6)}.myshopify.com`;
  const accessToken = `shpat_chaos_${seed}`;
  const shop = bench.simulator.createShop({
    shopDomain,
    accessToken,
    seed,
    seedCustomers: options.initialCustomers ?? 40,
    seedOrders: options.initialOrders ?? 20,
    seedProducts: options.initialProducts ?? 10,
    seedInventory: { locations: 2, items: options.initialInventoryItems ?? 12 },
    seedCollections: options.initialCollections ?? 4,
    seedMetafieldNamespace: chaosMetafieldNamespaces.customers![0],
    // A Standard-sized bucket restoring fast, so a seed is not dominated by waiting.
    plan: { restoreRate: 1000, maximumAvailable: 2000 },
  });
  const integration = await bench.connect(shopDomain, accessToken);
  // Every topic of every registered resource, its parts' (fulfillments/*, refunds/create) too; the
  // owners' update topics name the mirrored metafield namespaces, so their bodies carry them.
  const topics = webhookTopicsFor(
    c.mirrors.map((mirror) => mirror.definition),
    registeredResources,
  );
  for (const topic of topics.wanted)
    shop.addWebhookSubscription(
      topic,
      bench.subscriptionUri,
      'JSON',
      SHOPIFY_API_VERSION,
      topics.metafieldNamespaces?.[topic],
    );
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
  const history: Record<string, number> = {};
  const count = (key: string) => (history[key] = (history[key] ?? 0) + 1);

  enqueueSync(bench, integration);
  const syncEvery = Math.max(50, Math.floor(mutations / 4));
  for (let n = 0; n < mutations; n += 1) {
    const module = pickModule(modules, random);
    count(`${module.resource}.${module.mutate({ shop, random, n })}`);
    if (n % syncEvery === syncEvery - 1) enqueueSync(bench, integration);
    if (n % 20 === 19) await sleep(random.int(0, 30));
    if (n % 250 === 249) log(`seed ${seed}: ${n + 1}/${mutations} mutations`);
    // The daily health check, at random moments: its calls race the syncs' for the same token.
    if (random.chance(0.01)) healthChecks.push(bench.runtime.scheduler.fire('health-check-schedule'));
  }

  // Let Shopify finish sending (drops stay dropped: only the sync and the reconcile can fix them).
  await Promise.all(healthChecks);
  await shop.flushDeliveries();
  await webhooksIdle(bench, 120_000);
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
    const latest = await runs.list(integration.integrationId, { limit: 40 });
    const summary = latest.items
      .filter((run) => run.status !== 'skipped')
      .map((run) =>
        [
          run.runId,
          run.status,
          run.trigger,
          run.invocations,
          run.queuedAt,
          run.finishedAt,
          run.lastError?.slice(0, 80),
        ]
          .filter(Boolean)
          .join(' '),
      );
    const held = await bench.doc.send(
      new GetCommand({
        TableName: bench.runtime.tableNames.Integrations,
        Key: { integrationId: integration.integrationId },
        ConsistentRead: true,
      }),
    );
    throw new Error(
      `seed ${seed}: no sync succeeded after the history; DLQ ${bench.runtime.deadLetterQueue.counts().visible}; ` +
        `lease ${JSON.stringify(held.Item?.['syncLease'])}; latest runs but skipped ones: ${JSON.stringify(summary)}`,
    );
  }

  // The deletion reconcile of each resource, as the worker's post-sync step runs it the next
  // day: the daily rule makes every resource's due (inventory levels' only by it: their count is
  // the items', no count of levels), after the store has been quiet for longer than the overlap.
  const overlapMinutes = c.config.overlapMinutes;
  // The reconcile runs on its schedule. The simulator stamps each mutation a second after the last, so its clock runs
  // ahead of the wall clock; "later" is measured on the store's clock (its next stamp comes
  // after every update it has made).
  const storeClock = Math.max(Date.now(), shop.stamp());
  const integrations = createIntegrationStore(bench.doc, bench.runtime.tableNames.Integrations);
  const reconciled: string[] = [];
  for (const mirror of c.mirrors) {
    const result = await runDeletionReconcile((await integrations.get(integration.integrationId))!, {
      cipher: createKmsTokenCipher({ keyId: bench.runtime.lambdaEnv['TOKEN_KEY_ID']! }),
      // The same token provider the worker uses: a refresh may be due mid-reconcile.
      tokens: c.tokens,
      shopify: (domain, token) =>
        new ShopifyAdminClient({
          shopDomain: domain,
          accessToken: token,
          apiVersion: SHOPIFY_API_VERSION,
          urlTemplate: bench.simulator.adminUrlTemplate,
          backoffBaseMs: 50,
          backoffMaxMs: 500,
          maxRetryAfterMs: 500,
        }),
      resource: mirror.definition,
      inventory: mirror.inventory,
      writes: mirror.store,
      records: createIntegrationLifecycleStore(bench.doc, bench.runtime.tableNames.Integrations),
      logger: silentLogger,
      overlapMinutes,
      now: () => new Date(storeClock + RECONCILE_AT_LEAST_EVERY_MS + (overlapMinutes + 1) * 60_000),
    });
    reconciled.push(
      `${mirror.name} ${
        result.outcome === 'reconciled'
          ? `reconciled (${result.markedInactive.length} marked inactive)`
          : result.outcome
      }`,
    );
  }

  shop.setFaults({});
  const tokens = {
    refreshes: oauth.refreshGrants(shopDomain),
    expiredTokenCalls: oauth.stats.expiredTokenCalls - tokensBefore.expiredTokenCalls,
    refreshTokenReuses: oauth.stats.refreshTokenReuses - tokensBefore.refreshTokenReuses,
    kind: String(
      (
        await bench.doc.send(
          new GetCommand({
            TableName: bench.runtime.tableNames.Integrations,
            Key: { integrationId: integration.integrationId },
            ConsistentRead: true,
          }),
        )
      ).Item?.['credentialKind'] ?? 'static',
    ),
  };
  // The truth is read with the shop's own static token, reinstated (the integration's was
  // exchanged for an expiring pair on its first sync).
  shop.setAccessToken(accessToken);
  const mirror: Record<string, MirrorReport> = {};
  const byClass = Object.fromEntries(mismatchClasses.map((name) => [name, 0])) as Record<
    MismatchClass,
    number
  >;
  let metafields = 0;
  for (const { definition, name } of c.mirrors) {
    const truth = await resourceTruth<unknown, MirroredRecord>(
      definition,
      bench.simulator.adminUrlTemplate,
      shopDomain,
      accessToken,
      integration,
    );
    const tableName = bench.runtime.tableNames[definition.table.id];
    const stored = await storedItems(bench.doc, tableName, integration.organizationId);
    // Whatever the table holds that Shopify no longer lists was deleted there: by any path.
    const report = compareMirror(truth, absentFrom(truth, stored), stored);
    metafields += truth.reduce((sum, record) => sum + metafieldsOf(record).length, 0);
    mirror[name] = report;
    for (const key of mismatchClasses) byClass[key] += report.byClass[key];
  }

  const attempts = shop.deliveryAttempts();
  const deliveries: Record<string, number> = {};
  for (const attempt of attempts) {
    // A failed request says why (Shopify's 5 s timeout on a busy machine, a reset): the mirror
    // must converge all the same, through the sync.
    const key = attempt.outcome === 'failed' ? `failed (${attempt.error?.slice(0, 40)})` : attempt.outcome;
    deliveries[key] = (deliveries[key] ?? 0) + 1;
  }
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
    byClass,
    metafields,
    history,
    injected,
    deliveries,
    syncRuns,
    reconcile: reconciled.join('; '),
    tokens,
    elapsedMs: performance.now() - started,
  };
}

/** Mismatched records, plus every Admin call made with an expired token and every refresh token spent twice. */
export const mismatchCount = (report: ChaosSeedReport): number =>
  Object.values(report.byClass).reduce((sum, n) => sum + n, 0) +
  report.tokens.expiredTokenCalls +
  report.tokens.refreshTokenReuses;
