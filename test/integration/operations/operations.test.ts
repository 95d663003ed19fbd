import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { createHmac, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import {
  type BackendEventType,
  backendEventDetails,
  EVENT_SOURCE,
} from '../../../lambdas/core/events/backend-events.js';
import type { LogEvent } from '../../../local/cloudwatch.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { localDynamoClient } from '../../support/dynamo.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * The failures operators meet, driven through `npm start`'s runtime with the real handlers: each
 * test asserts the metric its alarm watches (read from the handlers' EMF lines, as CloudWatch
 * would) and the backend event, and that the log lines carry the Lambda request id and the
 * unit of work's keys.
 */
let runtime: LocalRuntime;
const organizationId = 'org-ops';
const runtimeLog: string[] = [];
let integrationId: string;
beforeEach(() => onTestFailed(() => console.error(runtimeLog.join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('ops'),
    demoShop: { customers: 5 },
    // Operations, not resources, are under test here: one resource keeps the counts exact.
    resources: ['customers'],
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 5 },
    lambdaEnv: {
      // Any healing sync counts as "no webhook for a while": the test cannot wait hours.
      WEBHOOKS_SILENT_AFTER_MINUTES: '0',
      // Retries in a second instead of 30 s, 2 min, 8 min…, so a failing sync reaches its last receive.
      SYNC_RETRY_BASE_SECONDS: '1',
      SYNC_RETRY_MAX_SECONDS: '1',
    },
    echoHandlerLogs: false,
    log: (line) => runtimeLog.push(line),
  });
});
afterAll(() => runtime?.stop());

const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);
const post = (path: string, body?: unknown) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
const shop = () => runtime.shopify.simulator!.shop(runtime.shopify.demoShop!.shopDomain);
const connect = (accessToken: string) =>
  post(`/organizations/${organizationId}/integrations`, {
    shopDomain: runtime.shopify.demoShop!.shopDomain,
    accessToken,
  });

/** Events of one type, each checked against the documented detail schema. */
const eventsOf = <T extends BackendEventType>(type: T) =>
  runtime.events.ofType(type).map((event) => {
    expect(event.source).toBe(EVENT_SOURCE);
    return backendEventDetails[type].parse(event.detail) as z.output<(typeof backendEventDetails)[T]>;
  });
const logsWith = (message: string): LogEvent[] =>
  runtime.cloudWatch.logs.filter((l) => l.message === message);
const runOf = async (runId: string) =>
  (await (
    await api(`/organizations/${organizationId}/integrations/${integrationId}/sync-runs/${runId}`)
  ).json()) as {
    status: string;
    healedBySync?: number;
  };
const requestId = /^[0-9a-f-]{36}$/;
/** The series the alarms and the dashboard's totals read: the `service` dimension alone. */
const total = (name: string) => runtime.cloudWatch.sum(name, { service: 'shopify-sync' });

describe('operations through the local runtime', () => {
  it('a first sync: Sync Completed with nothing healed, and log lines with the request id and the run’s keys', async () => {
    const connected = await connect(runtime.shopify.demoShop!.accessToken);
    expect(connected.status).toBe(201);
    const { integration, runId } = (await connected.json()) as {
      integration: { integrationId: string };
      runId: string;
    };
    integrationId = integration.integrationId;

    await expect.poll(() => eventsOf('Sync Completed').length, { timeout: 30_000 }).toBe(1);
    expect(eventsOf('Sync Completed')[0]).toMatchObject({
      integrationId,
      organizationId,
      runId,
      trigger: 'initial',
      recordsWritten: 5,
      healedBySync: 0,
    });

    const [succeeded] = logsWith('Sync succeeded');
    expect(succeeded).toMatchObject({
      function_name: 'local-syncWorker',
      function_request_id: expect.stringMatching(requestId),
      cold_start: expect.any(Boolean),
      integrationId,
      runId,
      shopDomain: runtime.shopify.demoShop!.shopDomain,
    });
    // The API request's own keys, and none of the worker's.
    const [connectLine] = logsWith('Integration connected');
    expect(connectLine).toMatchObject({
      function_name: 'local-api',
      function_request_id: expect.stringMatching(requestId),
      route: 'POST /organizations/{organizationId}/integrations',
    });
    expect(connectLine!.function_request_id).not.toBe(succeeded!.function_request_id);
    expect(connectLine).not.toHaveProperty('messageId');
    // The worker flushes its metrics as its invocation ends: after the run is recorded and the
    // post-sync deletion reconcile has run.
    await expect.poll(() => total('RecordsWritten'), { timeout: 30_000 }).toBe(5);
    expect(
      runtime.cloudWatch.metrics
        .filter((m) => m.name === 'RecordsWritten')
        .map((m) => [m.dimensions, m.value])
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      [{ service: 'shopify-sync', resource: 'customers' }, 5],
      [{ service: 'shopify-sync' }, 5],
    ]);
    expect(runtime.cloudWatch.sum('HealedBySync', { service: 'shopify-sync', resource: 'customers' })).toBe(
      0,
    );
    // One process holds every handler here, so one Metrics instance: one cold start in all.
    expect(runtime.cloudWatch.last('ColdStart')).toMatchObject({
      value: 1,
      dimensions: { function_name: expect.stringMatching(/^local-/) },
    });
  });

  it('a change no webhook delivered is healed by the next sync: counted on the run, the integration, the metric, and reported', async () => {
    shop().setDelivery({ dropProbability: 1 });
    const [customer] = shop().resources.customers.list();
    shop().resources.customers.update(customer!.id, { firstName: 'Healed' });

    const started = await post(
      `/organizations/${organizationId}/integrations/${integrationId}/sync?force=true`,
    );
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await expect.poll(async () => (await runOf(runId)).status, { timeout: 30_000 }).toBe('succeeded');

    expect((await runOf(runId)).healedBySync).toBe(1);
    const stored = (await (
      await api(`/organizations/${organizationId}/integrations/${integrationId}`)
    ).json()) as {
      healedBySync?: number;
      lastHealedAt?: string;
    };
    expect(stored).toMatchObject({ healedBySync: 1, lastHealedAt: expect.any(String) });
    await expect.poll(() => total('HealedBySync'), { timeout: 30_000 }).toBe(1);
    expect(runtime.cloudWatch.sum('HealedBySync', { service: 'shopify-sync', resource: 'customers' })).toBe(
      1,
    );
    expect(eventsOf('Sync Completed').find((e) => e.runId === runId)).toMatchObject({ healedBySync: 1 });
    expect(eventsOf('Webhooks Unhealthy')).toEqual([
      expect.objectContaining({ integrationId, reason: 'DELIVERIES_STOPPED', healedBySync: 1 }),
    ]);

    // The hourly census counts the store as silent: what the StoresWebhooksSilent alarm watches.
    await runtime.scheduler.fire('sync-schedule');
    expect(runtime.cloudWatch.last('StoresWebhooksSilent')?.value).toBe(1);
    expect(runtime.cloudWatch.last('StoresActive')?.value).toBe(1);
    expect(runtime.cloudWatch.last('StoresWebhooksSilent')?.dimensions).toEqual({ service: 'shopify-sync' });

    // A delivery arrives again: lastWebhookAt moves past the healing, the store is no longer silent.
    shop().setDelivery({});
    shop().resources.customers.update(customer!.id, { firstName: 'Delivered' });
    await shop().flushDeliveries();
    await expect
      .poll(
        async () =>
          (
            (await (await api(`/organizations/${organizationId}/integrations/${integrationId}`)).json()) as {
              lastWebhookAt?: string;
            }
          ).lastWebhookAt,
      )
      .toBeDefined();
    await runtime.scheduler.fire('sync-schedule');
    expect(runtime.cloudWatch.last('StoresWebhooksSilent')?.value).toBe(0);
    const [written] = logsWith('webhook written');
    expect(written).toMatchObject({
      function_name: 'local-webhook',
      function_request_id: expect.stringMatching(requestId),
      webhookId: expect.any(String),
      shopDomain: runtime.shopify.demoShop!.shopDomain,
      integrationId,
    });
  });

  it('a wrong app secret: every delivery is a 401, counted as WebhookRejected, each line with its own request id', async () => {
    const rejectedBefore = runtime.cloudWatch.sum('WebhookRejected', {
      service: 'shopify-sync',
      reason: 'invalid-signature',
    });
    const rejectedTotalBefore = total('WebhookRejected');
    const body = JSON.stringify({ id: 1, updated_at: new Date().toISOString() });
    const signature = createHmac('sha256', 'not-the-app-secret').update(body).digest('base64');
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api('/webhooks/shopify', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'customers/update',
            'x-shopify-shop-domain': runtime.shopify.demoShop!.shopDomain,
            'x-shopify-webhook-id': `forged-${i}`,
            'x-shopify-triggered-at': new Date().toISOString(),
            'x-shopify-api-version': SHOPIFY_API_VERSION,
            'x-shopify-hmac-sha256': signature,
          },
          body,
        }).then((response) => response.status),
      ),
    );
    expect(statuses).toEqual(Array(10).fill(401));
    // Each rejection is counted once per reason (the dashboard's breakdown) and once in total.
    const perReason = { service: 'shopify-sync', reason: 'invalid-signature' };
    expect(runtime.cloudWatch.sum('WebhookRejected', perReason) - rejectedBefore).toBe(10);
    // The WebhookRejectionRate alarm reads WebhookRejected with the `service` dimension alone (an
    // alarm cannot SEARCH across a `reason` dimension): a per-reason count must come on top of it.
    expect(total('WebhookRejected') - rejectedTotalBefore, 'WebhookRejected{service}').toBe(10);

    const lines = runtime.cloudWatch.logs.filter(
      (l) => l.message === 'webhook rejected' && String(l.webhookId).startsWith('forged-'),
    );
    expect(lines).toHaveLength(10);
    // Concurrent invocations keep their own keys: each line names its own delivery.
    expect(new Set(lines.map((l) => l.webhookId)).size).toBe(10);
    expect(new Set(lines.map((l) => l.function_request_id)).size).toBe(10);
    for (const line of lines) expect(line).not.toHaveProperty('integrationId');
  });

  it('a refused token: Integration Needs Attention once, IntegrationsNeedingAttention, then Integration Recovered on reconnect', async () => {
    shop().setAccessToken('shpat_rotated');
    const started = await post(
      `/organizations/${organizationId}/integrations/${integrationId}/sync?force=true`,
    );
    const { runId } = (await started.json()) as { runId: string };
    await expect.poll(async () => (await runOf(runId)).status, { timeout: 30_000 }).toBe('failed');

    expect(eventsOf('Integration Needs Attention')).toEqual([
      expect.objectContaining({ integrationId, runId, reason: expect.any(String) }),
    ]);
    expect(eventsOf('Sync Failed').find((e) => e.runId === runId)).toMatchObject({ integrationId });
    await expect.poll(() => total('IntegrationsNeedingAttention'), { timeout: 30_000 }).toBe(1);
    await runtime.scheduler.fire('sync-schedule');
    expect(runtime.cloudWatch.last('StoresNeedingAttention')?.value).toBe(1);

    expect((await connect('shpat_rotated')).status).toBe(200);
    expect(eventsOf('Integration Recovered')).toEqual([
      expect.objectContaining({ integrationId, previousStatus: 'NEEDS_ATTENTION' }),
    ]);
  });

  it('a stale store whose syncs keep failing: StoresStale, SyncAttemptFailed on every attempt, then Sync Failed', async () => {
    const doc = createDocumentClient(localDynamoClient(runtime.dynamoEndpoint));
    const staleId = `int_stale_${randomUUID().slice(0, 8)}`;
    const fiveHoursAgo = new Date(Date.now() - 5 * 3_600_000).toISOString();
    await createIntegrationStore(doc, runtime.tableNames.Integrations).put({
      integrationId: staleId,
      organizationId: 'org-stale',
      shopDomain: 'stale-store.myshopify.com',
      status: 'ACTIVE',
      // Not a ciphertext the key can open: every attempt fails before reaching Shopify.
      encryptedAccessToken: Buffer.from('not a kms ciphertext').toString('base64'),
      createdAt: fiveHoursAgo,
      updatedAt: fiveHoursAgo,
      lastSuccessfulSyncAt: fiveHoursAgo,
    });
    const failedBefore = total('SyncAttemptFailed');

    await runtime.scheduler.fire('sync-schedule');
    expect(runtime.cloudWatch.last('StoresStale')?.value).toBe(1);

    await expect
      .poll(() => eventsOf('Sync Failed').filter((e) => e.integrationId === staleId), { timeout: 45_000 })
      .toEqual([
        expect.objectContaining({ integrationId: staleId, trigger: 'schedule', error: expect.any(String) }),
      ]);
    // Every receive failed, the last one included: the SyncFailureRate alarm's numerator.
    await expect.poll(() => total('SyncAttemptFailed') - failedBefore, { timeout: 30_000 }).toBe(5);
    // Four attempts retried soon, the fifth given up: each logged with the run's keys and the cause.
    const attemptLines = [
      ...logsWith('Sync attempt failed; retrying soon'),
      ...logsWith('Sync attempt failed for the last time; the message goes to the DLQ'),
    ].filter((l) => l.integrationId === staleId);
    expect(attemptLines).toHaveLength(5);
    for (const line of attemptLines) {
      expect(line).toMatchObject({
        runId: expect.any(String),
        function_request_id: expect.stringMatching(requestId),
        receiveCount: expect.any(Number),
        error: expect.stringContaining('InvalidCiphertextException'),
      });
    }
  });

  it('no metric carries a store dimension', () => {
    const dimensionNames = new Set(runtime.cloudWatch.metrics.flatMap((m) => Object.keys(m.dimensions)));
    expect([...dimensionNames].sort()).toEqual(expect.arrayContaining(['service']));
    for (const name of dimensionNames)
      expect(['service', 'function_name', 'reason', 'resource']).toContain(name);
  });
});
