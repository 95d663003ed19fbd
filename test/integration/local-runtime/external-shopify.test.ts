import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';

/**
 * `npm start` against an external Shopify-compatible server (SHOPIFY_ADMIN_URL_TEMPLATE and
 * SHOPIFY_APP_SECRET), as the README documents: that server signs its webhooks with its own app
 * secret, and the runtime must verify them against exactly that secret.
 */
const externalSecret = `shpss_external_${randomUUID().replaceAll('-', '')}`;
const shopDomain = 'external-store.myshopify.com';
const accessToken = 'shpat_external_token_0000000000000000';
const organizationId = 'org-external';

let external: ShopifySimulator;
let runtime: LocalRuntime;
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.join('\n'))));

beforeAll(async () => {
  // A separate server the runtime knows nothing about but its URL template and secret.
  external = await startShopifySimulator({ port: 0, appSecret: externalSecret });
  external.createShop({ shopDomain, accessToken, seedCustomers: 5 });
  runtime = await startLocalRuntime({
    apiPort: 0,
    awsPort: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `ext${randomUUID().slice(0, 8)}-`,
    shopifyAdminUrlTemplate: external.adminUrlTemplate,
    shopifyAppSecret: externalSecret,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
});
afterAll(async () => {
  await runtime?.stop();
  await external?.stop();
});

const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);
const firstName = async (shopifyId: string) => {
  const response = await api(`/organizations/${organizationId}/customers/${shopifyId}`);
  return response.ok ? ((await response.json()) as { firstName?: string }).firstName : undefined;
};

describe('the local runtime against an external Shopify server', () => {
  it('starts no simulator of its own and stores SHOPIFY_APP_SECRET as the app secret', () => {
    expect(runtime.shopify.simulator).toBeUndefined();
    expect(runtime.lambdaEnv.SHOPIFY_ADMIN_URL_TEMPLATE).toBe(external.adminUrlTemplate);
  });

  it("accepts that server's signed webhooks: a store change reaches the mirror", async () => {
    const connected = await api(`/organizations/${organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain, accessToken }),
    });
    expect(connected.status).toBe(201);
    const { integration, runId } = (await connected.json()) as {
      integration: { integrationId: string };
      runId: string;
    };
    // Once the initial sync is over, only a webhook can bring the change below.
    const runStatus = async () =>
      (
        (await (
          await api(
            `/organizations/${organizationId}/integrations/${integration.integrationId}/sync-runs/${runId}`,
          )
        ).json()) as {
          status: string;
        }
      ).status;
    await expect.poll(runStatus, { timeout: 30_000 }).toBe('succeeded');
    const [customer] = external.shop(shopDomain).resources.customers.list();

    external.shop(shopDomain).resources.customers.update(customer!.id, { firstName: 'Grace' });

    await expect.poll(() => firstName(customer!.id), { timeout: 30_000 }).toBe('Grace');
    expect(await runStatus()).toBe('succeeded');
    // What the external server saw: its customers/update delivery accepted, none refused.
    const attempts = external.shop(shopDomain).deliveryAttempts();
    expect(attempts.filter((a) => a.topic === 'customers/update').map((a) => a.status)).toContain(200);
    expect(attempts.filter((a) => a.status === 401)).toEqual([]);
  });

  it('still answers 401 to a webhook signed with any other secret', async () => {
    const body = JSON.stringify({ id: 1, admin_graphql_api_id: 'gid://shopify/Customer/1' });
    const response = await api('/webhooks/shopify', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/update',
        'x-shopify-shop-domain': shopDomain,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-hmac-sha256': createHmac('sha256', 'shpss_00000000000000000000000000demo')
          .update(body)
          .digest('base64'),
      },
      body,
    });
    expect(response.status).toBe(401);
  });
});
