/**
 * A local runtime with real handlers and simulated shops whose webhook deliveries are captured
 * (signed, not sent), for tests that replay them as an attacker would: every table's items can
 * be read as one value, so "nothing written" is equality of two reads.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.js';
import type { SimulatedShop } from '../../local/shopify-simulator/shop.js';
import type { WebhookDelivery } from '../../local/shopify-simulator/webhooks.js';
import { isolatedRuntime } from './local-runtime.js';

export interface Tenant {
  readonly organizationId: string;
  readonly shop: SimulatedShop;
  readonly accessToken: string;
  integrationId: string;
}

export interface AttackWorld {
  readonly runtime: LocalRuntime;
  readonly doc: ReturnType<typeof createDocumentClient>;
  readonly log: string[];
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Every item of every table, in a stable order. */
  everything(): Promise<Record<string, unknown[]>>;
  /** Sends a captured delivery with some headers edited (undefined removes one). */
  send(
    delivery: WebhookDelivery,
    edits?: Record<string, string | undefined>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Connects a simulated shop for an organization (201), and waits for its initial sync. */
  connect(tenant: Omit<Tenant, 'integrationId'>): Promise<Tenant>;
  /** Waits until the sync queue is empty and no table changes for a moment. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Lets `act` make the shop emit webhooks, and hands back what it emitted (signed, not sent). */
export const captured = (shop: SimulatedShop, act: () => void): WebhookDelivery[] => {
  shop.takeDeliveries();
  act();
  return shop.takeDeliveries();
};

export const one = (deliveries: WebhookDelivery[], topic: string): WebhookDelivery => {
  const found = deliveries.find((d) => d.topic === topic);
  if (!found) throw new Error(`no ${topic} delivery among ${deliveries.map((d) => d.topic).join(', ')}`);
  return found;
};

export const headerKey = (delivery: WebhookDelivery, name: string): string =>
  Object.keys(delivery.headers).find((key) => key.toLowerCase() === name) ?? name;

export const asTopic = (delivery: WebhookDelivery, topic: string) => ({
  [headerKey(delivery, 'x-shopify-topic')]: topic,
});

/** expect.poll is for tests only; set-up waits with this. */
export const waitUntil = async (done: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export const startAttackWorld = async (
  prefix: string,
  options: Partial<LocalRuntimeOptions> = {},
): Promise<AttackWorld> => {
  const log: string[] = [];
  const runtime = await startLocalRuntime({
    ...isolatedRuntime(prefix),
    demoShop: false,
    // No scheduled work: every write must come from the request under test.
    syncEverySeconds: 86_400,
    healthCheckEverySeconds: 86_400,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 30 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => log.push(line),
    echoHandlerLogs: false,
    ...options,
  });
  const doc = createDocumentClient(
    new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);

  const everything = async (): Promise<Record<string, unknown[]>> => {
    const tables: Record<string, unknown[]> = {};
    for (const [id, name] of Object.entries(runtime.tableNames)) {
      const items: unknown[] = [];
      for await (const page of paginateScan(
        { client: doc },
        {
          TableName: name,
          ConsistentRead: true,
        },
      ))
        items.push(...(page.Items ?? []));
      tables[id] = items
        .map((item) => JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v)))
        .sort()
        .map((text) => JSON.parse(text) as unknown);
    }
    return tables;
  };

  const send: AttackWorld['send'] = async (delivery, edits = {}) => {
    const headers = Object.fromEntries(
      Object.entries({ ...delivery.headers, ...edits }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const response = await fetch(`${runtime.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers,
      body: delivery.body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const settle = async () => {
    let previous = '';
    await waitUntil(async () => {
      const queue = runtime.syncQueueCounts();
      const now = JSON.stringify(await everything());
      const settled = now === previous && queue.visible + queue.inFlight + queue.delayed === 0;
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return settled;
    }, 'the sync worker to go quiet');
  };

  const connect = async (tenant: Omit<Tenant, 'integrationId'>): Promise<Tenant> => {
    tenant.shop.setComplianceUri(runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']!);
    tenant.shop.setDelivery({ capture: true });
    const response = await api(`/organizations/${tenant.organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: tenant.shop.domain, accessToken: tenant.accessToken }),
    });
    expect([200, 201]).toContain(response.status);
    const { integration, runId } = (await response.json()) as {
      integration: { integrationId: string };
      runId: string;
    };
    const base = `/organizations/${tenant.organizationId}/integrations/${integration.integrationId}`;
    await waitUntil(async () => {
      const run = (await (await api(`${base}/sync-runs/${runId}`)).json()) as { status?: string };
      return run.status === 'succeeded';
    }, `the sync of ${tenant.shop.domain}`);
    await settle();
    return { ...tenant, integrationId: integration.integrationId };
  };

  return {
    runtime,
    doc,
    log,
    api,
    everything,
    send,
    connect,
    settle,
    stop: () => runtime.stop(),
  };
};
