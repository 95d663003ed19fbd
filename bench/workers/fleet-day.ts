/**
 * Bench F1's process: a fleet of stores on the local runtime, onboarded through the API, then one
 * simulated day of hourly rounds with the clock moved an hour between them (the scheduler's clock
 * accelerated), every billable request counted per store by the usage meter. Prints the counts
 * per store class as one JSON line; bench/figures/fleet-cost.ts prices them.
 *
 * Its own process: the handlers build their clients once per process, and the clock is shifted
 * for everything in it (handlers, queues, simulator), as one accelerated world.
 */
import { randomUUID } from 'node:crypto';
import { createShopifySyncClient } from '../../client/index.js';
import { FLEET_ACCOUNT, type Usage } from '../../lambdas/adapters/usage-meter.js';
import { startLocalRuntime } from '../../local/runtime.js';
import type { SimulatedShop } from '../../local/shopify-simulator/index.js';

export const storeClasses = ['idle', 'busy', 'large'] as const;
export type StoreClass = (typeof storeClasses)[number];

export interface FleetDayJob {
  readonly dynamoEndpoint: string;
  readonly hours: number;
  /** Stores per class, and what each is seeded with. */
  readonly classes: Readonly<
    Record<
      StoreClass,
      {
        readonly stores: number;
        readonly customers: number;
        readonly orders: number;
        readonly products: number;
        /** Changes made in Shopify per store and hour (each delivered as a webhook). */
        readonly changesPerHour: number;
      }
    >
  >;
  /** BULK_SYNC_THRESHOLD for the run, so the large class's syncs and reconciles go through bulk. */
  readonly bulkThreshold: number;
}

export interface FleetDayResult {
  readonly hours: number;
  /** Per class: the stores' usage over the day, summed (divide by `stores`). */
  readonly classes: Record<StoreClass, { readonly stores: number; readonly usage: Usage }>;
  /** Work no store asked for (the hourly fan-out and census, the daily health check). */
  readonly fleet: Usage;
  readonly storesTotal: number;
  readonly onboardSeconds: number;
  readonly daySeconds: number;
  /** Hourly rounds whose syncs all finished (every store synced every hour). */
  readonly roundsComplete: number;
}

/** Date as the shifted world sees it: real time plus an offset the day moves forward. */
const shiftClock = () => {
  const RealDate = Date;
  let offset = 0;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  return {
    advanceTo: (epochMs: number) => (offset = Math.max(offset, epochMs - RealDate.now())),
    now: () => RealDate.now() + offset,
  };
};

const workerInvocations = 'lambda.invocations.local-syncWorker';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(job: FleetDayJob): Promise<FleetDayResult> {
  const clock = shiftClock();
  const tablePrefix = `fleet${randomUUID().slice(0, 6)}-`;
  const runtime = await startLocalRuntime({
    dynamoEndpoint: job.dynamoEndpoint,
    apiPort: 0,
    tablePrefix,
    demoShop: { customers: 0, orders: 0, products: 0, shopDomain: 'fleet-demo.myshopify.com' },
    syncEverySeconds: 1_000_000,
    healthCheckEverySeconds: 1_000_000,
    // More of the hour's syncs at once than a deployment's default (5 a lane): each run's requests
    // are the same, counted the same; only the day's wall time shrinks (a fleet's hour is idle I/O).
    syncQueue: { pollIntervalMs: 20, maxConcurrency: 12, incrementalMaxConcurrency: 12 },
    meterUsage: true,
    echoHandlerLogs: false,
    logRequests: false,
    lambdaEnv: {
      SHOPIFY_APP_DISTRIBUTION: 'custom',
      BULK_SYNC_THRESHOLD: String(job.bulkThreshold),
      // What a deployment logs by default (lib/config.ts logLevel): log bytes are billed.
      POWERTOOLS_LOG_LEVEL: 'INFO',
    },
    log: () => {},
  });
  const usage = runtime.usage!;
  const simulator = runtime.shopify.simulator!;
  const api = createShopifySyncClient({ apiUrl: runtime.apiUrl, credentials: false });
  try {
    const stores: { cls: StoreClass; shop: SimulatedShop; shopDomain: string; integrationId: string }[] = [];
    const onboardStarted = performance.now();
    const plan = storeClasses.flatMap((cls) =>
      Array.from({ length: job.classes[cls].stores }, (_, n) => ({ cls, n })),
    );
    const connectOne = async ({ cls, n }: { cls: StoreClass; n: number }) => {
      const sizes = job.classes[cls];
      const shopDomain = `${cls}-${n}.myshopify.com`;
      const accessToken = `shpat_${randomUUID().replaceAll('-', '')}`;
      const shop = simulator.createShop({
        shopDomain,
        accessToken,
        seedCustomers: sizes.customers,
        seedOrders: sizes.orders,
        seedProducts: sizes.products,
        seed: stores.length + 1,
      });
      const { body } = await api.call('connectIntegration', {
        path: { organizationId: `org-${cls}-${n}` },
        body: { shopDomain, accessToken },
      });
      stores.push({ cls, shop, shopDomain, integrationId: body.integration.integrationId });
    };
    // A few connects at a time, as an onboarding wave would arrive.
    for (let i = 0; i < plan.length; i += 8) {
      await Promise.all(plan.slice(i, i + 8).map(connectOne));
      await drain();
    }
    await drain();
    const onboardSeconds = (performance.now() - onboardStarted) / 1000;

    // The day: an hour after onboarding, then every hour; the last round is a day after the
    // initial syncs, so the daily deletion reconcile falls inside it.
    usage.reset();
    const dayStarted = performance.now();
    const start = clock.now();
    let roundsComplete = 0;
    for (let hour = 1; hour <= job.hours; hour++) {
      clock.advanceTo(start + hour * 3_600_000);
      await makeChanges(stores, job);
      await Promise.all(stores.map(({ shop }) => shop.flushDeliveries()));
      const syncs = () => stores.map((s) => usage.accounts.get(s.integrationId)?.[workerInvocations] ?? 0);
      const before = syncs();
      await runtime.scheduler.fire('sync-schedule');
      if (hour === Math.ceil(job.hours / 2)) await runtime.scheduler.fire('health-check-schedule');
      await drain();
      if (syncs().every((count, n) => count > before[n]!)) roundsComplete += 1;
    }
    const daySeconds = (performance.now() - dayStarted) / 1000;

    // Webhooks are charged to the shop they claim; everything else to the integration.
    const classOf = new Map<string, StoreClass>();
    for (const { cls, shopDomain, integrationId } of stores) {
      classOf.set(integrationId, cls);
      classOf.set(shopDomain, cls);
    }
    const classes = Object.fromEntries(
      storeClasses.map((cls) => [cls, { stores: job.classes[cls].stores, usage: {} }]),
    ) as Record<StoreClass, { stores: number; usage: Usage }>;
    const fleet: Usage = {};
    for (const [account, counters] of usage.accounts) {
      const cls = classOf.get(account);
      const target = cls ? classes[cls].usage : fleet;
      if (!cls && account !== FLEET_ACCOUNT)
        target['unattributed.accounts'] = (target['unattributed.accounts'] ?? 0) + 1;
      for (const [counter, amount] of Object.entries(counters)) {
        // Per table by its logical name (the run's physical names carry a random prefix).
        const name = counter.replace(tablePrefix, '');
        target[name] = (target[name] ?? 0) + amount;
      }
    }
    return {
      hours: job.hours,
      classes,
      fleet,
      storesTotal: stores.length,
      onboardSeconds,
      daySeconds,
      roundsComplete,
    };
  } finally {
    await runtime.stop();
  }

  /**
   * Waits until both lanes are empty and nothing is in flight. A message only delayed (a bulk
   * sync waiting for its operation) is reached by moving the clock to it: the accelerated wait.
   */
  async function drain(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      const counts = runtime.syncQueueCounts();
      if (counts.visible + counts.inFlight > 0) {
        quiet = 0;
      } else if (counts.delayed > 0) {
        quiet = 0;
        const next = [runtime.syncQueue, runtime.incrementalSyncQueue]
          .map((queue) => queue.nextVisibleAt())
          .filter((at): at is number => at !== undefined);
        if (next.length > 0) clock.advanceTo(Math.min(...next) + 1);
      } else {
        quiet += 1;
      }
      await sleep(25);
    }
  }
}

/** Each busy or large store's hour: customers updated and orders placed, in Shopify. */
async function makeChanges(
  stores: readonly { cls: StoreClass; shop: SimulatedShop }[],
  job: FleetDayJob,
): Promise<void> {
  for (const { cls, shop } of stores) {
    const changes = job.classes[cls].changesPerHour;
    const customers = shop.resources.customers.list();
    for (let change = 0; change < changes; change++) {
      const customer = customers[(change * 7919) % customers.length];
      if (change % 2 === 0 && customer)
        shop.resources.customers.update(customer.id, { note: `hour note ${Date.now()}` });
      else shop.resources.orders.create({});
    }
  }
}

const job = JSON.parse(process.argv[2] ?? '{}') as FleetDayJob;
const result = await main(job);
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
