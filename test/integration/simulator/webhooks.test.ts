import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { postGraphQL, startWebhookReceiver } from './support.js';

const appSecret = 'test-app-client-secret';
const token = 'shpat_webhooks';
let simulator: ShopifySimulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let counter = 0;
let receiverStatus = 200;

const subscribe = async (domain: string, topic: string, uri = receiver.url) => {
  const { body } = await postGraphQL(
    simulator.adminUrl(domain),
    token,
    `mutation Subscribe($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
        webhookSubscription { id topic uri format }
        userErrors { field message }
      }
    }`,
    { topic, sub: { uri, format: 'JSON' } },
  );
  return body.data.webhookSubscriptionCreate;
};

const subscribedShop = async (topics = ['CUSTOMERS_CREATE', 'CUSTOMERS_UPDATE', 'CUSTOMERS_DELETE']) => {
  const shop = simulator.createShop({
    shopDomain: `hooks-${(counter += 1)}.myshopify.com`,
    accessToken: token,
  });
  for (const topic of topics) expect((await subscribe(shop.domain, topic)).userErrors).toEqual([]);
  return shop;
};

const hmacOf = (raw: Buffer) => createHmac('sha256', appSecret).update(raw).digest('base64');
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

beforeAll(async () => {
  simulator = await startShopifySimulator({ appSecret });
  receiver = await startWebhookReceiver(() => receiverStatus);
});
afterEach(() => {
  receiver.received.length = 0;
  receiverStatus = 200;
});
afterAll(async () => {
  await simulator.stop();
  await receiver.stop();
});

describe('webhook subscriptions over GraphQL', () => {
  it('creates, lists, refuses a duplicate address and deletes', async () => {
    const shop = await subscribedShop(['CUSTOMERS_UPDATE']);
    const url = simulator.adminUrl(shop.domain);
    expect((await subscribe(shop.domain, 'CUSTOMERS_UPDATE')).userErrors).toEqual([
      { field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' },
    ]);
    const listed = await postGraphQL(
      url,
      token,
      `{ webhookSubscriptions(first: 10, topics: [CUSTOMERS_UPDATE]) { nodes { id topic uri } } }`,
    );
    const [subscription] = listed.body.data.webhookSubscriptions.nodes;
    expect(subscription).toMatchObject({ topic: 'CUSTOMERS_UPDATE', uri: receiver.url });

    const deleted = await postGraphQL(
      url,
      token,
      `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }`,
      {
        id: subscription.id,
      },
    );
    expect(deleted.body.data.webhookSubscriptionDelete).toEqual({
      deletedWebhookSubscriptionId: subscription.id,
      userErrors: [],
    });
    expect(shop.webhookSubscriptions()).toEqual([]);
  });
});

describe('deliveries', () => {
  it('delivers a signed customers/create exactly as Shopify sends it', async () => {
    const shop = await subscribedShop();
    const customer = shop.resources.customers.create({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com',
      phone: '+14155550123',
      tags: ['vip'],
      defaultAddress: {
        address1: '1 Navy Way',
        city: 'Arlington',
        province: 'Virginia',
        provinceCode: 'VA',
        country: 'United States',
        countryCode: 'US',
        zip: '22202',
      },
    });
    await shop.flushDeliveries();

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    const headers = delivery!.headers;
    expect(header(headers['x-shopify-hmac-sha256'])).toBe(hmacOf(delivery!.rawBody));
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/create',
      'x-shopify-shop-domain': shop.domain,
      'x-shopify-api-version': SHOPIFY_API_VERSION,
    });
    expect(header(headers['x-shopify-webhook-id'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(headers['x-shopify-event-id'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(headers['x-shopify-triggered-at'])).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/,
    );

    const text = delivery!.rawBody.toString('utf8');
    expect(text).toContain(`"id":${customer.id},`);
    expect(text).toContain(`"customer_id":${customer.id},`);
    const payload = JSON.parse(text);
    expect(Object.keys(payload).sort()).toEqual(
      [
        'addresses',
        'admin_graphql_api_id',
        'created_at',
        'currency',
        'default_address',
        'email',
        'first_name',
        'id',
        'last_name',
        'multipass_identifier',
        'note',
        'phone',
        'state',
        'tax_exempt',
        'tax_exemptions',
        'updated_at',
        'verified_email',
      ].sort(),
    );
    expect(payload).toMatchObject({
      email: 'grace@example.com',
      state: 'disabled',
      phone: '+14155550123',
      admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
      default_address: {
        city: 'Arlington',
        province_code: 'VA',
        country_code: 'US',
        country_name: 'United States',
        default: true,
        name: 'Grace Hopper',
      },
    });
    expect(payload.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(Date.parse(payload.updated_at)).toBe(customer.updatedAt);
  });

  it('sends customers/delete with only id, tax_exemptions and admin_graphql_api_id', async () => {
    const shop = await subscribedShop(['CUSTOMERS_DELETE']);
    const customer = shop.resources.customers.create({ firstName: 'Gone' });
    shop.resources.customers.delete(customer.id);
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(1);
    const text = receiver.received[0]!.rawBody.toString('utf8');
    expect(text).toBe(
      `{"id":${customer.id},"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${customer.id}"}`,
    );
    expect(shop.resources.customers.list()).toEqual([]);
  });

  it('sends the privacy topics to the compliance URI of the app TOML, signed, over the control API', async () => {
    const shop = await subscribedShop([]);
    const customer = shop.resources.customers.create({ firstName: 'Private', email: 'private@example.com' });
    const control = (path: string, method: string, body: unknown) =>
      fetch(`${simulator.controlUrl}/shops/${shop.domain}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await control('/compliance/customers-redact', 'POST', { customerId: customer.id })).status).toBe(
      409,
    );
    expect((await control('/compliance-uri', 'PUT', { uri: receiver.url })).status).toBe(200);
    expect((await control('/compliance/customers-redact', 'POST', {})).status).toBe(400);
    expect((await control('/compliance/customers-redact', 'POST', { customerId: customer.id })).status).toBe(
      200,
    );
    expect((await control('/compliance/shop-redact', 'POST', {})).status).toBe(200);

    expect(receiver.received).toHaveLength(2);
    const [redact, shopRedact] = receiver.received;
    expect(header(redact!.headers['x-shopify-topic'])).toBe('customers/redact');
    expect(header(redact!.headers['x-shopify-hmac-sha256'])).toBe(hmacOf(redact!.rawBody));
    expect(redact!.rawBody.toString('utf8')).toBe(
      `{"shop_id":${shop.numericId},"shop_domain":"${shop.domain}","customer":{"id":${customer.id},"email":"private@example.com","phone":null},"orders_to_redact":[]}`,
    );
    expect(header(shopRedact!.headers['x-shopify-topic'])).toBe('shop/redact');
    expect(shopRedact!.rawBody.toString('utf8')).toBe(
      `{"shop_id":${shop.numericId},"shop_domain":"${shop.domain}"}`,
    );
  });

  it('gives every mutation an updatedAt strictly later than any before it', async () => {
    const shop = await subscribedShop([]);
    const first = shop.resources.customers.create({ firstName: 'Tick' });
    const updates = [1, 2, 3].map(
      (n) => shop.resources.customers.update(first.id, { note: `edit ${n}` }).updatedAt,
    );
    const times = [first.updatedAt, ...updates];
    times.slice(1).forEach((time, i) => expect(time).toBeGreaterThan(times[i]!));
    expect(times.every((time) => time % 1000 === 0)).toBe(true);
  });

  it('shares one event id across the subscriptions of one action', async () => {
    const shop = await subscribedShop(['CUSTOMERS_UPDATE']);
    await subscribe(shop.domain, 'CUSTOMERS_UPDATE', `${receiver.url}?second=1`);
    const customer = shop.resources.customers.create({});
    shop.resources.customers.update(customer.id, { note: 'hello' });
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received.map((r) => r.headers);
    expect(a!['x-shopify-event-id']).toBe(b!['x-shopify-event-id']);
    expect(a!['x-shopify-webhook-id']).not.toBe(b!['x-shopify-webhook-id']);
  });

  it('stops delivering once Shopify removes the subscription', async () => {
    const shop = await subscribedShop(['CUSTOMERS_CREATE']);
    shop.deleteWebhookSubscription(shop.webhookSubscriptions()[0]!.id);
    shop.resources.customers.create({});
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(0);
  });
});

describe('delivery knobs', () => {
  it('duplicates a delivery with the same webhook id and body', async () => {
    const shop = await subscribedShop(['CUSTOMERS_CREATE']);
    shop.setDelivery({ duplicateProbability: 1 });
    shop.resources.customers.create({});
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(a!.headers['x-shopify-webhook-id']).toBe(b!.headers['x-shopify-webhook-id']);
    expect(a!.rawBody.equals(b!.rawBody)).toBe(true);
  });

  it('drops deliveries until they are redelivered under the same webhook id', async () => {
    const shop = await subscribedShop(['CUSTOMERS_CREATE']);
    shop.setDelivery({ dropProbability: 1 });
    shop.resources.customers.create({});
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(0);
    const [dropped] = shop.droppedDeliveries();

    expect(await shop.redeliver()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['x-shopify-webhook-id']).toBe(dropped!.webhookId);
  });

  it('retries a rejected delivery on redeliver and records each attempt', async () => {
    const shop = await subscribedShop(['CUSTOMERS_CREATE']);
    receiverStatus = 500;
    shop.resources.customers.create({});
    await shop.flushDeliveries();
    receiverStatus = 200;
    await shop.redeliver();
    expect(shop.deliveryAttempts().map((a) => [a.outcome, a.status])).toEqual([
      ['rejected', 500],
      ['delivered', 200],
    ]);
    const ids = receiver.received.map((r) => r.headers['x-shopify-webhook-id']);
    expect(ids[0]).toBe(ids[1]);
  });

  it('holds a window of deliveries and releases them shuffled', async () => {
    const shop = await subscribedShop(['CUSTOMERS_UPDATE']);
    shop.setDelivery({ reorderWindow: 6, seed: 3 });
    const customer = shop.resources.customers.create({});
    const notes = ['1', '2', '3', '4', '5', '6'];
    for (const note of notes) shop.resources.customers.update(customer.id, { note });
    expect(shop.pendingDeliveries()).toHaveLength(6);
    await shop.flushDeliveries();
    const received = receiver.received.map((r) => JSON.parse(r.rawBody.toString('utf8')).note as string);
    expect([...received].sort()).toEqual(notes);
    expect(received).not.toEqual(notes);
  });

  it('captures deliveries for replay in any order, signatures intact', async () => {
    const shop = await subscribedShop(['CUSTOMERS_CREATE']);
    shop.setDelivery({ capture: true });
    shop.resources.customers.create({ firstName: 'One' });
    shop.resources.customers.create({ firstName: 'Two' });
    await shop.flushDeliveries();
    expect(receiver.received).toHaveLength(0);

    const captured = shop.takeDeliveries();
    expect(captured).toHaveLength(2);
    expect(shop.takeDeliveries()).toEqual([]);
    for (const delivery of [...captured].reverse()) {
      await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    }
    expect(receiver.received.map((r) => JSON.parse(r.rawBody.toString('utf8')).first_name)).toEqual([
      'Two',
      'One',
    ]);
    for (const r of receiver.received) expect(r.headers['x-shopify-hmac-sha256']).toBe(hmacOf(r.rawBody));
  });
});

describe('ids across shops', () => {
  it('two shops seeded alike share no id, so their delete bodies never coincide', async () => {
    const seeded = (n: number) =>
      simulator.createShop({
        shopDomain: `twin-${n}-${(counter += 1)}.myshopify.com`,
        accessToken: token,
        seed: 42,
        seedCustomers: 30,
        seedOrders: 5,
        seedProducts: 5,
      });
    const [left, right] = [seeded(1), seeded(2)];
    const idsOf = (shop: typeof left) => [
      ...shop.resources.customers
        .list()
        .flatMap((c) => [c.id, ...(c.defaultAddress ? [c.defaultAddress.id] : [])]),
      ...shop.resources.orders.list().flatMap((o) => [o.id, ...o.lines.map((line) => line.id)]),
      ...shop.resources.products.list().flatMap((p) => [p.id, ...p.variants.map((variant) => variant.id)]),
    ];
    const leftIds = new Set(idsOf(left));
    expect(leftIds.size).toBeGreaterThan(40);
    expect(idsOf(right).filter((id) => leftIds.has(id))).toEqual([]);

    // Shopify's ids are platform-wide: the "same" customer deleted in both shops is two bodies.
    for (const shop of [left, right]) {
      expect((await subscribe(shop.domain, 'CUSTOMERS_DELETE')).userErrors).toEqual([]);
      shop.resources.customers.delete(shop.resources.customers.list()[1]!.id);
      await shop.flushDeliveries();
    }
    const bodies = receiver.received.map((delivery) => delivery.rawBody.toString('utf8'));
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).not.toBe(bodies[1]);
  });
});
