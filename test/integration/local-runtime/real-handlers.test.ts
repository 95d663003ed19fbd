import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * The catalog's real handlers, driven by the local runtime exactly as `npm start` does: the
 * proof that they run unchanged on the local endpoints.
 */
let runtime: LocalRuntime;
const organizationId = 'org-local-runtime';
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('rh'),
    demoShop: { customers: 12, orders: 0, products: 0 },
    // A sync that fails once (a busy CI machine) is retried in seconds rather than 30 minutes.
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
});
afterAll(() => runtime?.stop());

const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);
const customerIds = async (): Promise<string[]> => {
  const response = await api(`/organizations/${organizationId}/customers?limit=100`);
  const page = (await response.json()) as { items?: { shopifyId: string }[] };
  return (page.items ?? []).map((item) => item.shopifyId);
};

describe('npm start with the real handlers', () => {
  it('connecting the demo store syncs its customers, and a store change arrives by signed webhook', async () => {
    const shop = runtime.shopify.demoShop!;
    const connected = await api(`/organizations/${organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: shop.shopDomain, accessToken: shop.accessToken }),
    });
    expect(connected.status).toBe(201);

    await expect.poll(async () => (await customerIds()).length, { timeout: 30_000 }).toBe(12);

    const [customer] = runtime.shopify.simulator!.shop(shop.shopDomain).resources.customers.list();
    runtime.shopify
      .simulator!.shop(shop.shopDomain)
      .resources.customers.update(customer!.id, { firstName: 'Ada' });
    await expect
      .poll(
        async () => {
          const response = await api(`/organizations/${organizationId}/customers/${customer!.id}`);
          return ((await response.json()) as { firstName?: string }).firstName;
        },
        { timeout: 30_000 },
      )
      .toBe('Ada');
  });

  it('answers an unsigned webhook with 401', async () => {
    const response = await api('/webhooks/shopify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'customers/update' },
      body: '{"id":1}',
    });

    expect(response.status).toBe(401);
  });
});
