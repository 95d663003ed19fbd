/**
 * A store larger than Shopify's listing limit, through the whole local runtime (real handlers,
 * local SQS, the simulator, webhooks over HTTP): the initial sync, then webhooks (an update, a
 * creation, a deletion), then changes no webhook delivered and a manual sync. The mirror is
 * compared with the store field by field after the initial sync and after the manual sync (after
 * the webhooks, the three records they touched are waited for). The full-size version of
 * test/integration/local-runtime/large-store.test.ts, for one limit behaviour per process (a
 * process holds one runtime with real handlers).
 *
 * Paged on purpose (bulk threshold above the store): the listing limit is what is under test.
 * Reads a JSON job from argv[2], prints one JSON result line on stdout.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import { startLocalRuntime } from '../../local/runtime.js';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.js';
import { localDynamoClient } from '../support/environment.js';
import { compareMirror, type MirrorReport, storedItems, storeTruth } from '../support/mirror-check.js';

const jobSchema = z.object({
  dynamoEndpoint: z.string(),
  customers: z.number().int().positive(),
  limit: z.number().int().positive(),
  behaviour: z.enum(['error', 'silentStop']),
});

export type LargeStoreJob = z.input<typeof jobSchema>;

export interface LargeStoreStep {
  readonly step: 'initial sync' | 'webhooks' | 'manual sync';
  readonly seconds: number;
  /** Absent after the webhooks: only the records they touched are checked (waited for) then. */
  readonly byClass?: MirrorReport['byClass'];
  readonly expectedActive?: number;
  readonly stored?: number;
}

export interface LargeStoreResult {
  readonly behaviour: LargeStoreJob['behaviour'];
  readonly customers: number;
  readonly steps: readonly LargeStoreStep[];
  readonly paginationErrors: number;
  readonly elapsedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

export async function runLargeStore(input: LargeStoreJob): Promise<LargeStoreResult> {
  const job = jobSchema.parse(input);
  const started = performance.now();
  const runtime = await startLocalRuntime({
    apiPort: 0,
    awsPort: 0,
    shopifySimulatorPort: 0,
    dynamoEndpoint: job.dynamoEndpoint,
    tablePrefix: `ls${randomUUID().slice(0, 8)}-`,
    demoShop: false,
    resources: ['customers'],
    listingLimit: job.limit,
    syncEverySeconds: 1_000_000,
    healthCheckEverySeconds: 1_000_000,
    syncQueue: { pollIntervalMs: 50, visibilityTimeoutSeconds: 900 },
    lambdaEnv: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      BULK_SYNC_THRESHOLD: String(job.customers * 10),
    },
    echoHandlerLogs: false,
    log: () => {},
  });
  const client = localDynamoClient(runtime.dynamoEndpoint);
  const doc = createDocumentClient(client);
  try {
    const name = `large-${job.behaviour.toLowerCase()}-${randomUUID().slice(0, 6)}`;
    const shopDomain = `${name}.myshopify.com`;
    const accessToken = `shpat_${name}`;
    const organizationId = `org-${name}`;
    const simulator = runtime.shopify.simulator!;
    const shop = simulator.createShop({
      shopDomain,
      accessToken,
      seedCustomers: job.customers,
      seed: 7,
      plan: { restoreRate: 10_000_000, maximumAvailable: 10_000_000 },
      maxPaginatedObjects: job.limit,
      paginationLimitBehaviour: job.behaviour,
    });
    const connected = await fetch(`${runtime.apiUrl}/organizations/${organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain, accessToken }),
    });
    if (connected.status !== 201) throw new Error(`connect answered ${connected.status}`);
    const { integration } = (await connected.json()) as { integration: { integrationId: string } };
    const { integrationId } = integration;
    const integrations = createIntegrationStore(doc, runtime.tableNames.Integrations);
    const owner = { organizationId, integrationId, shopDomain };
    const deleted = new Set<string>();

    const steps: LargeStoreStep[] = [];
    let stepStarted = performance.now();
    const compare = async (step: LargeStoreStep['step']) => {
      const seconds = (performance.now() - stepStarted) / 1000;
      // The truth through the Admin API, past the listing limit (the store's own cap lifted).
      const cap = shop.maxPaginatedObjects;
      shop.maxPaginatedObjects = Number.MAX_SAFE_INTEGER;
      const truth = await storeTruth(simulator.adminUrlTemplate, shopDomain, accessToken, owner);
      shop.maxPaginatedObjects = cap;
      const stored = await storedItems(doc, runtime.tableNames.Customers, organizationId);
      const report = compareMirror(truth, deleted, stored);
      steps.push({
        step,
        seconds,
        byClass: report.byClass,
        expectedActive: report.expectedActive,
        stored: report.stored,
      });
      stepStarted = performance.now();
    };
    const synced = async (after: string | undefined) => {
      const current = await integrations.get(integrationId);
      // Set with the lease's release, after the post-sync reconcile (run-sync.ts, completeSync).
      return current?.lastSuccessfulSyncAt !== undefined && current.lastSuccessfulSyncAt !== after;
    };

    await waitFor('the initial sync', () => synced(undefined), 1_800_000);
    await compare('initial sync');

    const [first, second] = shop.resources.customers.list();
    shop.resources.customers.update(first!.id, { firstName: 'Changed' });
    const created = shop.resources.customers.create({ firstName: 'New', email: `new-${name}@example.com` });
    shop.resources.customers.delete(second!.id);
    deleted.add(second!.id);
    await shop.flushDeliveries();
    const mirror = createRecordStore(doc, runtime.tableNames.Customers);
    const stored = async (id: string) =>
      (await mirror.get(organizationId, id)) as Record<string, unknown> | undefined;
    await waitFor(
      'the webhooks',
      async () =>
        (await stored(created.id)) !== undefined &&
        (await stored(second!.id))?.['status'] === 'INACTIVE' &&
        (await stored(first!.id))?.['firstName'] === 'Changed',
      120_000,
    );
    steps.push({ step: 'webhooks', seconds: (performance.now() - stepStarted) / 1000 });
    stepStarted = performance.now();

    // Changes no webhook delivered: the manual sync brings them in.
    shop.setDelivery({ capture: true });
    shop.resources.customers.create({ firstName: 'Missed', email: `missed-${name}@example.com` });
    shop.resources.customers.update(first!.id, { firstName: 'ChangedAgain' });
    shop.takeDeliveries();
    const before = (await integrations.get(integrationId))?.lastSuccessfulSyncAt;
    await waitFor(
      'a manual sync accepted',
      async () =>
        (
          await fetch(
            `${runtime.apiUrl}/organizations/${organizationId}/integrations/${integrationId}/sync?force=true`,
            { method: 'POST', headers: { 'content-type': 'application/json' } },
          )
        ).status === 202,
      120_000,
    );
    await waitFor('the manual sync', () => synced(before), 600_000);
    await compare('manual sync');

    return {
      behaviour: job.behaviour,
      customers: job.customers,
      steps,
      paginationErrors: shop
        .requests()
        .flatMap((r) => r.errorCodes)
        .filter((code) => code === 'PAGINATION_LIMIT_EXCEEDED').length,
      elapsedMs: performance.now() - started,
    };
  } finally {
    client.destroy();
    await runtime.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLargeStore(JSON.parse(process.argv[2] ?? '{}') as LargeStoreJob)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
