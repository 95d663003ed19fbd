/**
 * The attacks of issue 9, run as an attacker would: against the local runtime's HTTP API with
 * the real handlers, two organizations and two shops of one app. Every body is a genuine signed
 * delivery captured from the Shopify simulator; only the unsigned headers are edited. Each attack
 * must be refused with nothing written anywhere.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import type { WebhookDelivery } from '../../../local/shopify-simulator/webhooks.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

let runtime: LocalRuntime;
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-50).join('\n'))));

interface Tenant {
  readonly organizationId: string;
  readonly shop: SimulatedShop;
  integrationId: string;
}
const alpha = { organizationId: 'org-alpha' } as Tenant;
const victim = { organizationId: 'org-victim' } as Tenant;

let alphaUninstalled: WebhookDelivery | undefined;

const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);
let doc: ReturnType<typeof createDocumentClient>;

/** Every item of every table, in a stable order: "nothing written" is equality of two of these. */
const everything = async (): Promise<Record<string, unknown[]>> => {
  const tables: Record<string, unknown[]> = {};
  for (const [id, name] of Object.entries(runtime.tableNames)) {
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    tables[id] = Items.map((item) =>
      JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v)),
    )
      .sort()
      .map((text) => JSON.parse(text) as unknown);
  }
  return tables;
};

/** Sends a captured delivery with some headers edited (undefined removes one). */
const send = async (delivery: WebhookDelivery, edits: Record<string, string | undefined> = {}) => {
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

const headerKey = (delivery: WebhookDelivery, name: string): string =>
  Object.keys(delivery.headers).find((key) => key.toLowerCase() === name) ?? name;
const asShop = (delivery: WebhookDelivery, shopDomain: string) => ({
  [headerKey(delivery, 'x-shopify-shop-domain')]: shopDomain,
});
const asTopic = (delivery: WebhookDelivery, topic: string) => ({
  [headerKey(delivery, 'x-shopify-topic')]: topic,
});

/** Lets `act` make the shop emit webhooks, and hands back what it emitted (signed, not sent). */
const captured = (shop: SimulatedShop, act: () => void): WebhookDelivery[] => {
  shop.takeDeliveries();
  act();
  return shop.takeDeliveries();
};
const one = (deliveries: WebhookDelivery[], topic: string): WebhookDelivery => {
  const found = deliveries.find((d) => d.topic === topic);
  if (!found) throw new Error(`no ${topic} delivery among ${deliveries.map((d) => d.topic).join(', ')}`);
  return found;
};

const connect = async (tenant: Tenant, shopDomain: string, accessToken: string) => {
  const response = await api(`/organizations/${tenant.organizationId}/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shopDomain, accessToken }),
  });
  expect(response.status).toBe(201);
  tenant.integrationId = (
    (await response.json()) as { integration: { integrationId: string } }
  ).integration.integrationId;
};

/** expect.poll is for tests only; set-up waits with this. */
const waitUntil = async (done: () => Promise<boolean>, what: string, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const customerCount = async (organizationId: string) => {
  const response = await api(`/organizations/${organizationId}/customers?limit=100`);
  return ((await response.json()) as { items: unknown[] }).items.length;
};

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('atk'),
    demoShop: false,
    // No scheduled work: every write in these tests must come from the request under test.
    syncEverySeconds: 86_400,
    healthCheckEverySeconds: 86_400,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
  doc = createDocumentClient(
    new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const simulator = runtime.shopify.simulator!;
  const webhookUrl = runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']!;
  for (const [tenant, name] of [
    [alpha, 'alpha-store'],
    [victim, 'victim-store'],
  ] as const) {
    const shopDomain = `${name}.myshopify.com`;
    const accessToken = `shpat_${name.replace('-', '')}000000000000000000`;
    (tenant as { shop: SimulatedShop }).shop = simulator.createShop({
      shopDomain,
      accessToken,
      seedCustomers: 3,
    });
    tenant.shop.setComplianceUri(webhookUrl);
    await connect(tenant, shopDomain, accessToken);
  }
  // Let both initial syncs finish, bookkeeping included, then keep every delivery for the tests.
  await waitUntil(async () => {
    const runs = (await everything())['SyncRuns'] as { status?: string }[];
    return runs.filter((run) => run.status === 'succeeded').length === 2;
  }, 'the initial syncs');
  // The worker's post-sync steps (deletion reconcile) write a moment after the run succeeds.
  let previous = '';
  await waitUntil(async () => {
    const queue = runtime.syncQueue.counts();
    const now = JSON.stringify(await everything());
    const settled = now === previous && queue.visible + queue.inFlight + queue.delayed === 0;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return settled;
  }, 'the sync worker to go quiet');
  expect(await customerCount(alpha.organizationId)).toBe(3);
  expect(await customerCount(victim.organizationId)).toBe(3);
  alpha.shop.setDelivery({ capture: true });
  victim.shop.setDelivery({ capture: true });
});
afterAll(() => runtime?.stop());

/** Runs `attack`, expects `status`, and proves no table changed. */
const refusedWithNothingWritten = async (
  attack: () => Promise<{ status: number; body: Record<string, unknown> }>,
  status: number,
  code?: string,
) => {
  const before = await everything();
  const answer = await attack();
  expect(answer.status).toBe(status);
  if (code) expect(answer.body).toMatchObject({ error: { code } });
  expect(await everything()).toEqual(before);
  return answer;
};

describe('the API is scoped per organization', () => {
  it("another organization's integration is a 404 on every nested route, and nothing changes", async () => {
    const foreign = `/organizations/${victim.organizationId}/integrations/${alpha.integrationId}`;
    const before = await everything();
    for (const [method, path] of [
      ['GET', foreign],
      ['DELETE', `${foreign}?purge=true`],
      ['POST', `${foreign}/sync?force=true`],
      ['GET', `${foreign}/sync-runs`],
      ['POST', `${foreign}/webhooks/check`],
    ] as const) {
      const init = { method, headers: { 'content-type': 'application/json' } };
      expect([method, path, (await api(path, init)).status]).toEqual([method, path, 404]);
    }
    expect(await everything()).toEqual(before);
    // Its own organization reaches it.
    const own = await api(`/organizations/${alpha.organizationId}/integrations/${alpha.integrationId}`);
    expect(own.status).toBe(200);
  });

  it('the un-nested routes are gone and bookkeeping items are not addressable as integrations', async () => {
    expect((await api(`/integrations/${alpha.integrationId}`)).status).toBe(404);
    expect((await api(`/integrations/${alpha.integrationId}/sync`, { method: 'POST' })).status).toBe(404);
    expect((await api('/integrations', { method: 'POST', body: '{}' })).status).toBe(404);
    for (const key of [
      'purges#pending',
      `shop-claim#${alpha.shop.domain}`,
      `redactions#${alpha.shop.domain}`,
    ]) {
      const response = await api(
        `/organizations/${alpha.organizationId}/integrations/${encodeURIComponent(key)}`,
      );
      expect([key, [400, 404].includes(response.status)]).toEqual([key, true]);
    }
  });

  it('connecting takes the organization from the path, never from the body', async () => {
    const response = await api(`/organizations/${victim.organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organizationId: alpha.organizationId,
        shopDomain: 'x.myshopify.com',
        accessToken: 't',
      }),
    });
    expect(response.status).toBe(400);
  });
});

describe('issue 9 attacks through the local HTTP API', () => {
  it("alpha's update body replayed under the victim's shop header writes nothing (200, duplicate)", async () => {
    const [customer] = alpha.shop.resources.customers.list();
    const update = one(
      captured(alpha.shop, () =>
        alpha.shop.resources.customers.update(customer!.id, { firstName: 'Genuine' }),
      ),
      'customers/update',
    );
    expect((await send(update)).body).toMatchObject({ outcome: 'written' });
    const answer = await refusedWithNothingWritten(
      () =>
        send(update, {
          ...asShop(update, victim.shop.domain),
          [headerKey(update, 'x-shopify-webhook-id')]: randomUUID(),
        }),
      200,
    );
    expect(answer.body).toMatchObject({ outcome: 'duplicate' });
    // And a privacy delivery, whose handler keeps no receipt (it is idempotent), is a no-op too.
    const dataRequest = one(
      captured(alpha.shop, () => alpha.shop.requestCompliance('customers/data_request', customer!.id)),
      'customers/data_request',
    );
    expect((await send(dataRequest)).body).toMatchObject({ outcome: 'written' });
    const again = await refusedWithNothingWritten(() => send(dataRequest), 200);
    expect(again.body).toMatchObject({ outcome: 'stale', reason: 'already-exported' });
  });

  it('an update body sent under the delete topic is refused (400): a live customer is not deleted', async () => {
    const [customer] = alpha.shop.resources.customers.list();
    const update = one(
      captured(alpha.shop, () =>
        alpha.shop.resources.customers.update(customer!.id, { firstName: 'Swapped' }),
      ),
      'customers/update',
    );
    await refusedWithNothingWritten(
      () => send(update, asTopic(update, 'customers/delete')),
      400,
      'VALIDATION_FAILED',
    );
    // And the reverse: a delete body is not an update.
    const remove = one(
      captured(alpha.shop, () =>
        alpha.shop.resources.customers.delete(alpha.shop.resources.customers.list()[2]!.id),
      ),
      'customers/delete',
    );
    await refusedWithNothingWritten(
      () => send(remove, asTopic(remove, 'customers/update')),
      400,
      'VALIDATION_FAILED',
    );
    // Sent as they were signed, both are applied: the refusals were not vacuous.
    expect((await send(update)).body).toMatchObject({ outcome: 'written' });
    expect((await send(remove)).body).toMatchObject({ outcome: 'written' });
  });

  it('a forged X-Shopify-Triggered-At does not become deletedAt: the time of receipt does', async () => {
    const target = alpha.shop.resources.customers.list()[1]!;
    const remove = one(
      captured(alpha.shop, () => alpha.shop.resources.customers.delete(target.id)),
      'customers/delete',
    );
    const before = Date.now();
    const answer = await send(remove, {
      [headerKey(remove, 'x-shopify-triggered-at')]: '1970-01-01T00:00:00Z',
    });
    const after = Date.now();
    expect(answer).toMatchObject({ status: 200, body: { outcome: 'written' } });
    const stored = (await (
      await api(`/organizations/${alpha.organizationId}/customers/${target.id}`)
    ).json()) as { status: string; deletedAt: string };
    expect(stored.status).toBe('INACTIVE');
    expect(Date.parse(stored.deletedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(stored.deletedAt)).toBeLessThanOrEqual(after + 1000);
  });

  it("another shop's customers/redact and customers/data_request are refused (401)", async () => {
    const customerId = alpha.shop.resources.customers.list()[0]!.id;
    const redact = one(
      captured(alpha.shop, () => alpha.shop.requestCompliance('customers/redact', customerId)),
      'customers/redact',
    );
    const dataRequest = one(
      captured(alpha.shop, () => alpha.shop.requestCompliance('customers/data_request', customerId)),
      'customers/data_request',
    );
    for (const delivery of [redact, dataRequest]) {
      await refusedWithNothingWritten(
        () => send(delivery, asShop(delivery, victim.shop.domain)),
        401,
        'SHOP_MISMATCH',
      );
    }
  });

  it("another shop's shop/redact is refused (401): the victim keeps its customers and credentials", async () => {
    const redact = one(
      captured(alpha.shop, () => alpha.shop.requestCompliance('shop/redact')),
      'shop/redact',
    );
    await refusedWithNothingWritten(
      () => send(redact, asShop(redact, victim.shop.domain)),
      401,
      'SHOP_MISMATCH',
    );
    expect(await customerCount(victim.organizationId)).toBe(3);
  });

  it("property: edited unsigned headers never write outside the signer's integration nor change any status", async () => {
    const genuine = [
      ...captured(alpha.shop, () => {
        const first = alpha.shop.resources.customers.create({ firstName: 'Prop' });
        const second = alpha.shop.resources.customers.create({ firstName: 'Erty' });
        alpha.shop.resources.customers.update(first.id, { firstName: 'Prop' });
        alpha.shop.resources.customers.delete(second.id);
        alpha.shop.requestCompliance('customers/redact', first.id);
        alpha.shop.requestCompliance('customers/data_request', first.id);
        alpha.shop.requestCompliance('shop/redact');
      }),
      ...captured(alpha.shop, () => alpha.shop.uninstall()),
    ];
    // The simulator sends app/uninstalled once (then the subscriptions are gone): keep it.
    alphaUninstalled = one(genuine, 'app/uninstalled');
    expect(genuine.map((d) => d.topic).sort()).toEqual(
      [
        'app/uninstalled',
        'customers/create',
        'customers/create',
        'customers/data_request',
        'customers/delete',
        'customers/redact',
        'customers/update',
        'shop/redact',
      ].sort(),
    );
    const topics = [...new Set(genuine.map((d) => d.topic)), 'orders/create', 'Customers/Update', ''];
    const shops = [
      victim.shop.domain,
      victim.shop.domain.toUpperCase(),
      ` ${victim.shop.domain} `,
      alpha.shop.domain,
      'unknown-store.myshopify.com',
      'not a domain',
    ];
    const headersArb = fc.record(
      {
        shop: fc.constantFrom(...shops),
        topic: fc.constantFrom(...topics),
        triggeredAt: fc.oneof(
          fc.constant('1970-01-01T00:00:00Z'),
          fc.constant('2999-01-01T00:00:00Z'),
          fc.constant(new Date().toISOString()),
          fc.constant('yesterday'),
        ),
        webhookId: fc.oneof(fc.uuid(), fc.constant('')),
      },
      { requiredKeys: [] },
    );
    const outsideAlpha = async () => {
      const all = await everything();
      const customers = (all['Customers'] as { organizationId: string }[]).filter(
        (item) => item.organizationId !== alpha.organizationId,
      );
      const integrations = (all['Integrations'] as { integrationId: string; status?: string }[]).filter(
        (item) =>
          item.integrationId !== alpha.integrationId && !item.integrationId.includes(alpha.shop.domain),
      );
      const statuses = (all['Integrations'] as { integrationId: string; status?: string }[]).map(
        (item) => `${item.integrationId}:${item.status ?? '-'}`,
      );
      return { customers, integrations, statuses, runs: all['SyncRuns'] };
    };
    const resolvesToAlpha = (shop: string) => shop.trim().toLowerCase() === alpha.shop.domain;

    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...genuine), headersArb, async (delivery, edit) => {
        // Alpha's own uninstall or shop/redact under alpha's header is a genuine status change.
        fc.pre(
          !(
            edit.shop !== undefined &&
            resolvesToAlpha(edit.shop) &&
            ['app/uninstalled', 'shop/redact'].includes(edit.topic ?? delivery.topic)
          ),
        );
        fc.pre(
          !(
            edit.shop === undefined &&
            ['app/uninstalled', 'shop/redact'].includes(edit.topic ?? delivery.topic)
          ),
        );
        const edits: Record<string, string> = {};
        if (edit.shop !== undefined) Object.assign(edits, asShop(delivery, edit.shop));
        if (edit.topic !== undefined) Object.assign(edits, asTopic(delivery, edit.topic));
        if (edit.triggeredAt !== undefined)
          edits[headerKey(delivery, 'x-shopify-triggered-at')] = edit.triggeredAt;
        if (edit.webhookId !== undefined) edits[headerKey(delivery, 'x-shopify-webhook-id')] = edit.webhookId;
        const before = await outsideAlpha();
        const answer = await send(delivery, edits);
        expect(answer.status).toBeLessThan(500);
        expect(await outsideAlpha()).toEqual(before);
      }),
      { numRuns: 40, seed: 9 },
    );
  });

  it("another shop's app/uninstalled is refused (401): the victim stays ACTIVE", async () => {
    const uninstalled = alphaUninstalled!;
    await refusedWithNothingWritten(
      () => send(uninstalled, asShop(uninstalled, victim.shop.domain)),
      401,
      'SHOP_MISMATCH',
    );
    const integration = (await (
      await api(`/organizations/${victim.organizationId}/integrations/${victim.integrationId}`)
    ).json()) as {
      status: string;
    };
    expect(integration.status).toBe('ACTIVE');
    // Under its own shop it is honoured: claimed, then confirmed by Shopify's 401 at the next sync.
    expect((await send(uninstalled)).status).toBe(200);
    await runtime.scheduler.fire('sync-schedule');
    await expect
      .poll(
        async () =>
          (
            (await (
              await api(`/organizations/${alpha.organizationId}/integrations/${alpha.integrationId}`)
            ).json()) as { status: string }
          ).status,
        { timeout: 30_000 },
      )
      .toBe('INACTIVE');
  });
});
