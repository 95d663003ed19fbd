/**
 * LevelBurst: the webhook path under a burst of `inventory_levels/update` deliveries for ONE
 * inventory item across its locations (every sale moves a level, so a busy item's levels get
 * updated many times a second), against a bare handler of the same deliveries in the same run.
 *
 * A burst is N updates of the item's levels, each level's versions a second apart, sent
 * shuffled (newer before older), with duplicates (Shopify's retries: the same webhook id and
 * body), `concurrency` in flight at once, through the real webhook handler on DynamoDB Local.
 * The bare handler parses the body and PutItems it without a condition. Bursts alternate
 * between the two, each on a new item, so noise on the shared machine lands on both alike.
 * After each of the handler's bursts the table must hold, for every level, its newest version.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RecordWrites } from '../../lambdas/core/records/record-writes.js';
import { resourceTopics } from '../../lambdas/core/webhooks/resource-topics.js';
import { recordStoreOf } from '../../lambdas/handlers/mirror-stores.js';
import { inventoryLevelsResource } from '../../lambdas/resources/inventory-levels/index.js';
import type { InventoryLevelRecord } from '../../lambdas/resources/inventory-levels/record.js';
import { organizationItems } from '../../test/support/organization-items.js';
import { createBenchTables, dynamoDbLocalCpu } from '../support/environment.js';
import { Random } from '../support/random.js';
import { benchIngest, type LatencyStats, latencyStats, signedDelivery } from '../support/webhook-bench.js';

export interface LevelBurstJob {
  readonly dynamoEndpoint: string;
  /** Updates of the item's levels in one burst (duplicates come on top). */
  readonly updates: number;
  readonly locations: number;
  readonly duplicateProbability: number;
  readonly concurrency: number;
  /** Bursts per contender, alternating; a warm-up burst of each comes first. */
  readonly bursts: number;
  readonly seed: number;
}

export interface LevelBurstResult {
  readonly webhook: LatencyStats;
  readonly bare: LatencyStats;
  /** Deliveries the handler did not answer 200. */
  readonly errors: number;
  /** The store's upsert outcomes: `stale` is a conditional check an older version lost. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly deliveriesPerBurst: number;
  /** Levels whose stored version is not the newest sent, over every burst of the handler. */
  readonly notNewest: number;
  readonly levelsChecked: number;
  /**
   * What a delivery cost each contender, which load on a shared machine disturbs far less than
   * latency: DynamoDB requests by command, and CPU ms (this process; DynamoDB Local without its JIT).
   */
  readonly perDelivery: Readonly<Record<'webhook' | 'bare', DeliveryCost>>;
}

export interface DeliveryCost {
  readonly requests: Readonly<Record<string, number>>;
  readonly processCpuMs: number;
  readonly dynamoCpuMs: number;
}

const ITEM_BASE = 49_500_000_000_000n;
const LOCATION_BASE = 61_500_000_000n;

interface LevelUpdate {
  readonly locationId: string;
  readonly available: number;
  readonly updatedAt: string;
  readonly body: string;
  readonly webhookId: string;
}

/** N updates of one item's levels, a second apart, then shuffled, with duplicates. */
const burstOf = (job: LevelBurstJob, random: Random, itemId: string) => {
  const started = Date.parse('2026-06-01T00:00:00Z');
  const updates: LevelUpdate[] = [];
  for (let n = 0; n < job.updates; n += 1) {
    const locationId = String(LOCATION_BASE + BigInt(random.int(0, job.locations - 1)));
    const available = random.int(-5, 500);
    const updatedAt = new Date(started + n * 1000).toISOString();
    const body =
      `{"inventory_item_id":${itemId},"location_id":${locationId},"available":${available},` +
      `"updated_at":"${updatedAt}","admin_graphql_api_id":"gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}"}`;
    updates.push({ locationId, available, updatedAt, body, webhookId: randomUUID() });
  }
  const newest = new Map<string, LevelUpdate>();
  for (const update of updates) newest.set(`${itemId}:${update.locationId}`, update);
  const deliveries = updates.flatMap((update) =>
    random.chance(job.duplicateProbability) ? [update, update] : [update],
  );
  return { deliveries: random.shuffle(deliveries), newest };
};

/** Sends every delivery, `concurrency` at a time; each one's latency from its own start. */
const send = async (
  deliveries: readonly LevelUpdate[],
  concurrency: number,
  handle: (update: LevelUpdate) => Promise<number>,
): Promise<{ samples: number[]; statuses: number[] }> => {
  const samples: number[] = [];
  const statuses: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < deliveries.length) {
      const update = deliveries[next]!;
      next += 1;
      const started = performance.now();
      statuses.push(await handle(update));
      samples.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { samples, statuses };
};

async function measure(job: LevelBurstJob): Promise<LevelBurstResult> {
  const tables = await createBenchTables(job.dynamoEndpoint, 'lvl');
  const store = {
    shop: 'level-burst.myshopify.com',
    organizationId: 'org-level-burst',
    appSecret: `bench-secret-${randomUUID()}`,
  };
  // As the webhook's composition builds it (mirror-stores.ts): reused keys, lookups, and the
  // versions seen stored that let an older update record only its receipt.
  const levels = recordStoreOf(tables.doc, tables.names, inventoryLevelsResource);
  const outcomes: Record<string, number> = {};
  const counted: RecordWrites<InventoryLevelRecord> = {
    ...levels,
    async upsert(record, receipt) {
      const outcome = await levels.upsert(record, receipt);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      return outcome;
    },
  };
  const { webhook } = await benchIngest(tables, store, resourceTopics(inventoryLevelsResource, counted));
  const viaWebhook = async (update: LevelUpdate) => {
    const event: APIGatewayProxyEventV2 = signedDelivery(
      store,
      'inventory_levels/update',
      update.body,
      update.webhookId,
    );
    return (await webhook(event)).statusCode ?? 0;
  };
  const bare = async (update: LevelUpdate) => {
    const body = JSON.parse(update.body) as { admin_graphql_api_id: string; updated_at: string };
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.InventoryLevels,
        Item: {
          organizationId: 'org-bare',
          shopifyId: body.admin_graphql_api_id,
          updatedAt: body.updated_at,
          body: update.body,
        },
      }),
    );
    return 200;
  };

  const requests = { webhook: {} as Record<string, number>, bare: {} as Record<string, number> };
  let counting: Record<string, number> | undefined;
  tables.doc.middlewareStack.add(
    (next, context) => (args) => {
      if (counting) counting[context.commandName ?? '?'] = (counting[context.commandName ?? '?'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countLevelBurstRequests' },
  );
  const cpu = { webhook: { process: 0, dynamo: 0 }, bare: { process: 0, dynamo: 0 } };
  const deliveries = { webhook: 0, bare: 0 };
  const dynamoCpu = () => {
    const used = dynamoDbLocalCpu(job.dynamoEndpoint);
    return used ? used.totalMs - used.compilerMs : Number.NaN;
  };

  const random = new Random(job.seed);
  let item = ITEM_BASE;
  const samples = { webhook: [] as number[], bare: [] as number[] };
  let errors = 0;
  let notNewest = 0;
  let levelsChecked = 0;
  let deliveriesPerBurst = 0;
  for (let burst = -1; burst < job.bursts; burst += 1) {
    if (burst === 0) for (const key of Object.keys(outcomes)) delete outcomes[key];
    // Alternating which goes first; burst -1 warms both up and is not counted.
    const order = burst % 2 === 0 ? (['webhook', 'bare'] as const) : (['bare', 'webhook'] as const);
    for (const contender of order) {
      item += 1n;
      const { deliveries: burstDeliveries, newest } = burstOf(job, random, String(item));
      deliveriesPerBurst = burstDeliveries.length;
      counting = burst < 0 ? undefined : requests[contender];
      const processBefore = process.cpuUsage();
      const dynamoBefore = dynamoCpu();
      const result = await send(
        burstDeliveries,
        job.concurrency,
        contender === 'webhook' ? viaWebhook : bare,
      );
      counting = undefined;
      if (burst < 0) continue;
      const processUsed = process.cpuUsage(processBefore);
      cpu[contender].process += (processUsed.user + processUsed.system) / 1000;
      cpu[contender].dynamo += dynamoCpu() - dynamoBefore;
      deliveries[contender] += result.statuses.length;
      samples[contender].push(...result.samples);
      if (contender === 'bare') continue;
      errors += result.statuses.filter((status) => status !== 200).length;
      const stored = await organizationItems(tables.doc, tables.names.InventoryLevels, store.organizationId);
      for (const [key, update] of newest) {
        const level = stored.find((candidate) => candidate['shopifyId'] === key);
        levelsChecked += 1;
        const storedAt = Date.parse(String(level?.['shopifyUpdatedAt']));
        if (level?.['available'] !== update.available || storedAt !== Date.parse(update.updatedAt))
          notNewest += 1;
      }
    }
  }
  await tables.drop();
  return {
    webhook: latencyStats(samples.webhook),
    bare: latencyStats(samples.bare),
    errors,
    outcomes,
    deliveriesPerBurst,
    notNewest,
    levelsChecked,
    perDelivery: {
      webhook: costPerDelivery(requests.webhook, cpu.webhook, deliveries.webhook),
      bare: costPerDelivery(requests.bare, cpu.bare, deliveries.bare),
    },
  };
}

const costPerDelivery = (
  requests: Readonly<Record<string, number>>,
  cpu: { readonly process: number; readonly dynamo: number },
  deliveries: number,
): DeliveryCost => ({
  requests: Object.fromEntries(
    Object.entries(requests).map(([command, count]) => [command.replace(/Command$/, ''), count / deliveries]),
  ),
  processCpuMs: cpu.process / deliveries,
  dynamoCpuMs: cpu.dynamo / deliveries,
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measure(JSON.parse(process.argv[2] ?? '{}') as LevelBurstJob)
    .then((result) => process.stdout.write(`\n${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
