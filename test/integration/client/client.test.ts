import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import {
  createShopifySyncClient,
  ShopifySyncApiError,
  type ShopifySyncClient,
} from '../../../client/index.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * The typed client against the real handlers on the local runtime: every answer it returns has
 * been parsed with the route's contract, so these calls also prove the handlers answer what the
 * OpenAPI document says. Calls are signed (the local runtime ignores the signature).
 */
let runtime: LocalRuntime;
let api: ShopifySyncClient;
const organizationId = 'org-client';
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('cl'),
    demoShop: { customers: 7, orders: 3, products: 2 },
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 60 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
  // The demo store's first order has 320 line items: a Standard plan's 100 points/s would make
  // its initial sync take tens of seconds on a busy machine. These tests are about the client.
  runtime.shopify
    .simulator!.shop(runtime.shopify.demoShop!.shopDomain)
    .setPlan({ restoreRate: 2000, maximumAvailable: 40_000 });
  api = createShopifySyncClient({
    apiUrl: runtime.apiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  });
});
afterAll(() => runtime?.stop());

describe('the typed client', () => {
  it('connects a store, follows its sync to the end and reads the mirror page by page', async () => {
    const shop = runtime.shopify.demoShop!;
    const connected = await api.call('connectIntegration', {
      path: { organizationId },
      body: { shopDomain: shop.shopDomain, accessToken: shop.accessToken },
    });
    expect(connected.status).toBe(201);
    const { integrationId } = connected.body.integration;
    const runId = connected.body.runId;

    await expect
      .poll(
        async () =>
          (await api.call('getSyncRun', { path: { organizationId, integrationId, runId } })).body.status,
        {
          timeout: 30_000,
        },
      )
      .toBe('succeeded');
    const run = (await api.call('getSyncRun', { path: { organizationId, integrationId, runId } })).body;
    expect(run).toMatchObject({
      trigger: 'initial',
      resources: { customers: { status: 'completed', seen: 7, written: 7 } },
    });

    const counts = await api.call('getShopCounts', { path: { organizationId, integrationId } });
    expect(counts.body.counts.customers).toBe(7);

    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const listing = await api.call('listCustomers', {
        path: { organizationId },
        query: { limit: 3, ...(cursor && { cursor }) },
      });
      ids.push(...listing.body.items.map((customer) => customer.shopifyId));
      if (listing.body.nextCursor === null) break;
      cursor = listing.body.nextCursor;
    }
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);

    const details = await api.call('getIntegration', { path: { organizationId, integrationId } });
    expect(details.body).toMatchObject({ status: 'ACTIVE', recordCounts: { customers: { ACTIVE: 7 } } });
    const listed = await api.call('listOrganizationIntegrations', { path: { organizationId } });
    expect(listed.body.items.map((item) => item.integrationId)).toEqual([integrationId]);
  });

  it('reads orders and products typed, answers parsed with their contracts, equal to the store', async () => {
    const store = runtime.shopify.simulator!.shop(runtime.shopify.demoShop!.shopDomain);
    const orders = await api.call('listOrders', { path: { organizationId }, query: { limit: 10 } });
    expect(orders.body.items.map((order) => order.shopifyId).sort()).toEqual(
      store.resources.orders
        .list()
        .map((order) => order.id)
        .sort(),
    );
    // The demo store's first order has hundreds of lines: all of them, typed, money as exact decimals.
    const big = store.resources.orders.list()[0]!;
    const order = (await api.call('getOrder', { path: { organizationId, shopifyId: big.id } })).body;
    expect(order.name).toBe(`#${big.number}`);
    expect(order.lineItems).toHaveLength(big.lines.length);
    const line = order.lineItems![0]!;
    expect(line.unitPrice).toEqual({
      amount: (big.lines[0]!.unitCents / 100).toFixed(2),
      currencyCode: 'USD',
    });
    expect(order.totalPrice?.shop.amount).toMatch(/^\d+\.\d{2}$/);

    const owned = store.resources.orders.list().filter((candidate) => candidate.customerId !== null);
    for (const customerId of new Set(owned.map((candidate) => candidate.customerId!))) {
      const byCustomer = await api.call('listOrders', { path: { organizationId }, query: { customerId } });
      expect(byCustomer.body.items.map((item) => item.customerId)).toEqual(
        owned.filter((candidate) => candidate.customerId === customerId).map(() => customerId),
      );
    }

    const products = await api.call('listProducts', { path: { organizationId } });
    expect(products.body.items).toHaveLength(store.resources.products.list().length);
    const [first] = store.resources.products.list();
    const product = (await api.call('getProduct', { path: { organizationId, shopifyId: first!.id } })).body;
    expect(product).toMatchObject({ title: first!.title, productStatus: first!.status, status: 'ACTIVE' });
    expect(product.variants!.map((variant) => variant.id)).toEqual(
      first!.variants.map((variant) => variant.id),
    );
    expect(product.variants![0]!.price).toBe((first!.variants[0]!.priceCents / 100).toFixed(2));

    await expect(api.call('getOrder', { path: { organizationId, shopifyId: '1' } })).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('asks for a sync now: skipped when recent, queued with force, and the run shows in the history', async () => {
    const [integration] = (await api.call('listOrganizationIntegrations', { path: { organizationId } })).body
      .items;
    const integrationId = integration!.integrationId;

    const skipped = await api.call('requestSync', { path: { organizationId, integrationId } });
    expect(skipped).toMatchObject({ status: 200, body: { status: 'skipped', reason: 'RECENTLY_SYNCED' } });

    const forced = await api.call('requestSync', {
      path: { organizationId, integrationId },
      query: { force: 'true' },
    });
    expect(forced.status).toBe(202);
    const runId = forced.body.status === 'queued' ? forced.body.runId : '';
    const history = await api.call('listSyncRuns', {
      path: { organizationId, integrationId },
      query: { limit: 10 },
    });
    expect(history.body.items[0]).toMatchObject({ runId, trigger: 'manual' });
    expect(history.body.nextCursor).toBeNull();
  });

  it('turns error answers into ShopifySyncApiError with the status and code', async () => {
    const missing = api.call('getIntegration', { path: { organizationId, integrationId: 'int_missing' } });
    await expect(missing).rejects.toBeInstanceOf(ShopifySyncApiError);
    await expect(missing).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(
      api.call('listCustomers', { path: { organizationId }, query: { limit: 100_000 } }),
    ).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('checks webhooks and disconnects through the same contract', async () => {
    const [integration] = (await api.call('listOrganizationIntegrations', { path: { organizationId } })).body
      .items;
    const integrationId = integration!.integrationId;
    const checked = await api.call('checkWebhooks', { path: { organizationId, integrationId } });
    expect(checked.body.webhookHealth).toMatchObject({ healthy: true });

    const disconnected = await api.call('disconnectIntegration', {
      path: { organizationId, integrationId },
      query: { purge: 'true' },
    });
    expect(disconnected).toMatchObject({
      status: 200,
      body: { integration: { status: 'INACTIVE' }, purge: { complete: true, deleted: { customers: 7 } } },
    });
  });
});
