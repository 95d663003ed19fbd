/**
 * The simulator's control API over HTTP for orders and products (customers: graphql-api.test.ts):
 * what a curl user or another process changes shows in the Admin API and sends the signed
 * webhook Shopify would.
 */
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { postGraphQL, startWebhookReceiver } from './support.js';

const shopDomain = 'control-api.myshopify.com';
const token = 'shpat_control_api';
let simulator: ShopifySimulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

const control = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${simulator.controlUrl}/shops/${shopDomain}${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const topicsReceived = async () => {
  await simulator.shop(shopDomain).flushDeliveries();
  return receiver.received.map((delivery) => delivery.headers['x-shopify-topic']);
};

const gql = async (query: string, variables: Record<string, unknown>) => {
  const { body } = await postGraphQL(simulator.adminUrl(shopDomain), token, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
};

beforeAll(async () => {
  simulator = await startShopifySimulator();
  receiver = await startWebhookReceiver();
  const created = await fetch(`${simulator.controlUrl}/shops`, {
    method: 'POST',
    body: JSON.stringify({
      shopDomain,
      accessToken: token,
      seedCustomers: 3,
      seedOrders: 2,
      seedProducts: 2,
    }),
  });
  expect(await created.json()).toMatchObject({ customers: 3, orders: 2, products: 2 });
  const shop = simulator.shop(shopDomain);
  for (const topic of [
    'ORDERS_CREATE',
    'ORDERS_UPDATED',
    'ORDERS_DELETE',
    'PRODUCTS_CREATE',
    'PRODUCTS_UPDATE',
    'PRODUCTS_DELETE',
  ])
    shop.addWebhookSubscription(topic, receiver.url, 'JSON', SHOPIFY_API_VERSION);
});
afterAll(async () => {
  await receiver?.stop();
  await simulator?.stop();
});

describe('control API: orders', () => {
  it('creates, lists, updates and deletes an order over HTTP, with its webhooks and the Admin API agreeing', async () => {
    const customerId = simulator.shop(shopDomain).resources.customers.list()[0]!.id;
    const created = await control('/orders', 'POST', { customerId, lineItems: 3, tags: ['vip'] });
    expect(created.status).toBe(200);
    const order = (await created.json()) as {
      id: string;
      lines: unknown[];
      customerId: string;
      createdAt: string;
    };
    expect(order).toMatchObject({ customerId, lines: expect.any(Array) });
    expect(order.lines).toHaveLength(3);
    expect(order.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const listed = (await (await control('/orders')).json()) as { id: string }[];
    expect(listed.map((o) => o.id)).toEqual([
      ...simulator
        .shop(shopDomain)
        .resources.orders.list()
        .map((o) => o.id),
    ]);
    expect(listed.map((o) => o.id)).toContain(order.id);

    const patched = await control(`/orders/${order.id}`, 'PATCH', { note: 'gift wrap', cancel: true });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: order.id, note: 'gift wrap', cancelReason: 'CUSTOMER' });
    const data = await gql('query ($id: ID!) { order(id: $id) { note cancelledAt tags } }', {
      id: `gid://shopify/Order/${order.id}`,
    });
    expect(data.order).toMatchObject({ note: 'gift wrap', tags: ['vip'], cancelledAt: expect.any(String) });

    expect(await control(`/orders/${order.id}`, 'DELETE').then((r) => r.json())).toEqual({
      deleted: order.id,
    });
    expect(simulator.shop(shopDomain).resources.orders.get(order.id)).toBeUndefined();
    expect(await topicsReceived()).toEqual(
      expect.arrayContaining(['orders/create', 'orders/updated', 'orders/delete']),
    );
  });

  it('refuses an invalid order with 400 and an unknown one with 404, changing nothing', async () => {
    const before = simulator.shop(shopDomain).resources.orders.list().length;
    const invalid = await control('/orders', 'POST', { lineItems: 0 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'Invalid request body' });
    expect((await control('/orders', 'POST', { unknownField: 1 })).status).toBe(400);
    expect((await control('/orders/1', 'PATCH', { note: 'x' })).status).toBe(404);
    expect((await control('/orders/1', 'DELETE')).status).toBe(404);
    expect(simulator.shop(shopDomain).resources.orders.list()).toHaveLength(before);
  });
});

describe('control API: products', () => {
  it('creates, lists, updates and deletes a product over HTTP, with its webhooks and the Admin API agreeing', async () => {
    const created = await control('/products', 'POST', { title: 'Rain jacket', variants: 12 });
    expect(created.status).toBe(200);
    const product = (await created.json()) as { id: string; variants: unknown[]; updatedAt: string };
    expect(product.variants).toHaveLength(12);

    const listed = (await (await control('/products')).json()) as { id: string }[];
    expect(listed.map((p) => p.id)).toContain(product.id);

    const patched = (await (
      await control(`/products/${product.id}`, 'PATCH', { status: 'ARCHIVED' })
    ).json()) as {
      status: string;
      updatedAt: string;
    };
    expect(patched.status).toBe('ARCHIVED');
    expect(Date.parse(patched.updatedAt)).toBeGreaterThan(Date.parse(product.updatedAt));
    const data = await gql('query ($id: ID!) { product(id: $id) { title status } }', {
      id: `gid://shopify/Product/${product.id}`,
    });
    expect(data.product).toEqual({ title: 'Rain jacket', status: 'ARCHIVED' });

    expect((await control(`/products/${product.id}`, 'DELETE')).status).toBe(200);
    expect((await control(`/products/${product.id}`, 'DELETE')).status).toBe(404);
    expect(simulator.shop(shopDomain).resources.products.get(product.id)).toBeUndefined();
    expect(await topicsReceived()).toEqual(
      expect.arrayContaining(['products/create', 'products/update', 'products/delete']),
    );
    expect((await control('/products', 'POST', { status: 'GONE' })).status).toBe(400);
  });
});
