/**
 * A store whose grant lacks scopes, end to end through `npm start`'s runtime with the real
 * handlers: the simulator answers `currentAppInstallation.accessScopes` from the scopes the shop
 * granted (set over its control API, as a merchant's approval would) and refuses what they do not
 * cover. Asserted from the outside: the API's run and integration, the backend events, the
 * metric the alarm reads, the tables of DynamoDB Local, and the requests Shopify received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import type { z } from 'zod';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { backendEventDetails, type BackendEventType } from '../../../lambdas/core/events/backend-events.js';
import type { RecordOwner } from '../../../lambdas/resources/kit/mirrored-record.js';
import { type AnyResourceDefinition, definitionOf } from '../../../lambdas/resources/registry.js';
import { parseWith } from '../../../lambdas/core/validation.js';
import { parseShopifyJson } from '../../../lambdas/core/webhooks/shopify-json.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import { orderPayload } from '../../../local/shopify-simulator/resources/orders.js';
import { productPayload } from '../../../local/shopify-simulator/resources/products.js';
import { customerPayload } from '../../../local/shopify-simulator/webhook-payload.js';
import { localDynamoClient, organizationItems } from '../../support/dynamo.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

let runtime: LocalRuntime;
let shop: SimulatedShop;
const organizationId = 'org-scopes';
const shopDomain = 'scopes-store.myshopify.com';
const accessToken = 'shpat_scopes_0000000000000000000000000';
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-60).join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('scopes'),
    demoShop: false,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    echoHandlerLogs: false,
    log: (line) => runtimeLog.push(line),
  });
  // The store as an app that asked only for read_customers finds it (the README's old TOML).
  const created = await control('POST', '/shops', {
    shopDomain,
    accessToken,
    seedCustomers: 7,
    seedOrders: 6,
    seedProducts: 4,
    grantedScopes: ['read_customers'],
  });
  expect(created.status).toBe(200);
  shop = runtime.shopify.simulator!.shop(shopDomain);
});
afterAll(() => runtime?.stop());

/** The simulator's control API, over HTTP. */
async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.shopify.simulator!.controlUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const api = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${runtime.apiUrl}/organizations/${organizationId}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const post = (path: string, body?: unknown) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

interface Run {
  status: string;
  resourceAttention?: Record<string, string>;
  resources: Record<
    string,
    { status: string; written: number; attentionReason?: string; missingScopes?: string[] }
  >;
}
const runOf = async (integrationId: string, runId: string) =>
  (await api(`/integrations/${integrationId}/sync-runs/${runId}`)).body as unknown as Run;
const finished = async (integrationId: string, runId: string): Promise<Run> => {
  await expect
    .poll(async () => (await runOf(integrationId, runId)).status, { timeout: 60_000 })
    .toBe('succeeded');
  return runOf(integrationId, runId);
};

const eventsOf = <T extends BackendEventType>(type: T) =>
  runtime.events
    .ofType(type)
    .map(
      (event) => backendEventDetails[type].parse(event.detail) as z.output<(typeof backendEventDetails)[T]>,
    );

/** The last data point of `StoresMissingScope` with exactly these dimensions. */
const gauge = (dimensions: Record<string, string>) =>
  runtime.cloudWatch.metrics
    .filter(
      (m) => m.name === 'StoresMissingScope' && JSON.stringify(m.dimensions) === JSON.stringify(dimensions),
    )
    .at(-1)?.value;

const doc = () => createDocumentClient(localDynamoClient(inject('dynamoEndpoint')));
const stored = (table: 'Customers' | 'Orders' | 'Products') =>
  organizationItems(doc(), runtime.tableNames[table], organizationId);

/** Every record as the webhook path stores it from Shopify's REST payload: what an exact mirror holds. */
const expectedMirror = (definition: AnyResourceDefinition, payloads: readonly string[], owner: RecordOwner) =>
  payloads
    .map((payload) => ({
      ...definition.webhooks.toRecord(
        parseWith(definition.webhooks.payloadSchema, parseShopifyJson(payload), definition.name),
        owner,
      ),
      status: 'ACTIVE',
    }))
    .sort((a, b) => a.shopifyId.localeCompare(b.shopifyId));

const subscribedTopics = () =>
  shop
    .webhookSubscriptions()
    .map((subscription) => subscription.topic)
    .sort();
const rootFieldsAsked = () => new Set(shop.requests().flatMap((request) => request.rootFields));

let integrationId: string;
let owner: RecordOwner;

describe('a store whose grant lacks read_orders and read_products', () => {
  it('connect records the grant; the run marks orders and products MISSING_SCOPE, never queries them, and mirrors customers exactly', async () => {
    const connected = await post('/integrations', { shopDomain, accessToken });
    expect(connected.status).toBe(201);
    const integration = connected.body['integration'] as Record<string, unknown>;
    integrationId = String(integration['integrationId']);
    owner = { organizationId, integrationId, shopDomain };
    expect(integration).toMatchObject({
      status: 'ACTIVE',
      grantedScopes: ['read_customers'],
      missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
      // Only the topics the grant allows were asked for, so none was refused.
      webhookHealth: { healthy: true },
    });
    expect(subscribedTopics()).toEqual([
      'APP_UNINSTALLED',
      'BULK_OPERATIONS_FINISH',
      'CUSTOMERS_CREATE',
      'CUSTOMERS_DELETE',
      'CUSTOMERS_UPDATE',
    ]);

    const runId = String(connected.body['runId']);
    const run = await finished(integrationId, runId);
    // Succeeded, and says what it left out: not a clean success.
    expect(run.resourceAttention).toEqual({ orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' });
    expect(run.resources).toMatchObject({
      customers: { status: 'completed', written: 7 },
      orders: {
        status: 'needs-attention',
        attentionReason: 'MISSING_SCOPE',
        missingScopes: ['read_orders'],
        written: 0,
      },
      products: {
        status: 'needs-attention',
        attentionReason: 'MISSING_SCOPE',
        missingScopes: ['read_products'],
        written: 0,
      },
    });

    // Not one wasted call: Shopify was never asked for orders or products, so it refused nothing.
    const asked = rootFieldsAsked();
    for (const field of ['orders', 'ordersCount', 'products', 'productsCount'])
      expect(asked.has(field), field).toBe(false);
    expect(asked.has('currentAppInstallation')).toBe(true);
    expect(shop.requests().filter((request) => request.errorCodes.includes('ACCESS_DENIED'))).toEqual([]);

    expect(await stored('Customers')).toEqual(
      expectedMirror(
        definitionOf('customers'),
        shop.resources.customers.list().map((customer) => customerPayload(customer, shop)),
        owner,
      ),
    );
    expect(await stored('Orders')).toEqual([]);
    expect(await stored('Products')).toEqual([]);

    const after = (await api(`/integrations/${integrationId}`)).body;
    expect(after).toMatchObject({
      status: 'ACTIVE',
      grantedScopes: ['read_customers'],
      missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
    });
    // No watermark for what was not synced: a later grant syncs it from the beginning.
    expect(Object.keys(after['syncWatermarks'] as object)).toEqual(['customers']);
  });

  it('the backend hears it once, with the scopes to grant; Sync Completed says what it left out', async () => {
    expect(eventsOf('Integration Needs Attention')).toEqual([
      expect.objectContaining({
        integrationId,
        organizationId,
        shopDomain,
        reason: 'MISSING_SCOPE',
        missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      }),
    ]);
    expect(eventsOf('Sync Completed')).toEqual([
      expect.objectContaining({
        integrationId,
        recordsWritten: 7,
        resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
        missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      }),
    ]);
  });

  it('the census counts the store, in all and per resource: what the StoresMissingScope alarm reads', async () => {
    await runtime.scheduler.fire('sync-schedule');
    expect(gauge({ service: 'shopify-sync' })).toBe(1);
    expect(gauge({ service: 'shopify-sync', resource: 'orders' })).toBe(1);
    expect(gauge({ service: 'shopify-sync', resource: 'products' })).toBe(1);
  });

  it('a sync that finds the same grant announces nothing new', async () => {
    const started = await post(`/integrations/${integrationId}/sync?force=true`);
    expect(started.status).toBe(202);
    const run = await finished(integrationId, String(started.body['runId']));
    expect(run.resources['orders']).toMatchObject({
      status: 'needs-attention',
      attentionReason: 'MISSING_SCOPE',
    });
    expect(eventsOf('Integration Needs Attention')).toHaveLength(1);
  });

  it('once the merchant grants the scopes, the next sync clears the attention and mirrors orders and products in full', async () => {
    expect(
      (
        await control('PUT', `/shops/${shopDomain}/granted-scopes`, {
          scopes: ['read_customers', 'read_orders', 'read_products'],
        })
      ).status,
    ).toBe(200);
    const started = await post(`/integrations/${integrationId}/sync?force=true`);
    expect(started.status).toBe(202);
    const run = await finished(integrationId, String(started.body['runId']));
    expect(run.resources).toMatchObject({
      orders: { status: 'completed', written: 6 },
      products: { status: 'completed', written: 4 },
    });
    expect(run.resources['orders']).not.toHaveProperty('attentionReason');
    expect(run).not.toHaveProperty('resourceAttention');

    expect(await stored('Orders')).toEqual(
      expectedMirror(
        definitionOf('orders'),
        shop.resources.orders.list().map((order) => orderPayload(order, shop)),
        owner,
      ),
    );
    expect(await stored('Products')).toEqual(
      expectedMirror(
        definitionOf('products'),
        shop.resources.products.list().map((product) => productPayload(product, shop)),
        owner,
      ),
    );
    const after = (await api(`/integrations/${integrationId}`)).body;
    expect(after).toMatchObject({
      status: 'ACTIVE',
      grantedScopes: ['read_customers', 'read_orders', 'read_products'],
      missingScopes: {},
      resourceAttention: {},
    });
    expect(Object.keys(after['syncWatermarks'] as object).sort()).toEqual([
      'customers',
      'orders',
      'products',
    ]);

    // The sync that saw the grant subscribed the topics it allows, without waiting for the daily check.
    expect(subscribedTopics()).toEqual(
      [
        'APP_UNINSTALLED',
        'BULK_OPERATIONS_FINISH',
        ...['CUSTOMERS', 'ORDERS', 'PRODUCTS'].flatMap((resource) =>
          ['CREATE', 'DELETE', resource === 'ORDERS' ? 'UPDATED' : 'UPDATE'].map(
            (verb) => `${resource}_${verb}`,
          ),
        ),
        // The orders' parts (fulfillments, refunds) arrive on topics of their own.
        'FULFILLMENTS_CREATE',
        'FULFILLMENTS_UPDATE',
        'REFUNDS_CREATE',
      ].sort(),
    );
    expect(after['webhookHealth']).toMatchObject({ healthy: true });

    const completed = eventsOf('Sync Completed').at(-1)!;
    expect(completed).not.toHaveProperty('resourceAttention');
    expect(eventsOf('Integration Needs Attention')).toHaveLength(1);
    await runtime.scheduler.fire('sync-schedule');
    expect(gauge({ service: 'shopify-sync' })).toBe(0);
  });

  it('Shopify refusing a resource whose scope is granted stays ACCESS_DENIED, with no scope to grant', async () => {
    shop.deniedFields = ['products'];
    const started = await post(`/integrations/${integrationId}/sync?force=true`);
    const run = await finished(integrationId, String(started.body['runId']));
    expect(run.resources['products']).toMatchObject({
      status: 'needs-attention',
      attentionReason: 'ACCESS_DENIED',
    });
    expect(run.resources['products']).not.toHaveProperty('missingScopes');
    expect(run.resourceAttention).toEqual({ products: 'ACCESS_DENIED' });
    expect((await api(`/integrations/${integrationId}`)).body).toMatchObject({
      missingScopes: {},
      resourceAttention: { products: 'ACCESS_DENIED' },
    });
    // The mirrored products stay; only a MISSING_SCOPE is announced as a scope to grant.
    expect(await stored('Products')).toHaveLength(4);
    expect(eventsOf('Integration Needs Attention')).toHaveLength(1);
  });
});
