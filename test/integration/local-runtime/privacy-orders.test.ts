/**
 * Privacy webhooks on a store that mirrors customers, orders and products, end to end: the
 * simulator signs and POSTs customers/redact (with the customer's `orders_to_redact`) and
 * shop/redact to the local runtime's HTTP API, the real webhook handler erases, and the tables
 * of DynamoDB Local are read back item by item.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { createDataExportStore } from '../../../lambdas/adapters/dynamodb/data-export-store.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { orderPersonalFields } from '../../../lambdas/resources/orders/record.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import { localDynamoClient, organizationItems } from '../../support/dynamo.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

let runtime: LocalRuntime;
let shop: SimulatedShop;
const organizationId = 'org-privacy-orders';
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-40).join('\n'))));

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('po'),
    demoShop: { customers: 4, orders: 0, products: 3 },
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
  });
  shop = runtime.shopify.simulator!.shop(runtime.shopify.demoShop!.shopDomain);
});
afterAll(() => runtime?.stop());

const doc = () => createDocumentClient(localDynamoClient(inject('dynamoEndpoint')));
const api = async (path: string, init?: RequestInit) => {
  const response = await fetch(`${runtime.apiUrl}/organizations/${organizationId}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const items = (table: 'Customers' | 'Orders' | 'Products') =>
  organizationItems(doc(), runtime.tableNames[table], organizationId);
const byId = async (table: 'Customers' | 'Orders' | 'Products') =>
  new Map((await items(table)).map((item) => [String(item['shopifyId']), item]));

/** Every item of every table of the runtime, as text: where erased personal data must not be. */
const everyItemText = async (): Promise<string[]> => {
  const texts: string[] = [];
  for (const name of Object.values(runtime.tableNames)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc().send(
        new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? [])
        texts.push(JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return texts;
};

describe('privacy webhooks across customers, orders and products (local runtime, signed HTTP)', () => {
  const pii = {
    firstName: 'Zebulon',
    lastName: 'Quillfeather',
    email: 'zebulon.quillfeather@example.com',
    phone: '+14155559876',
  };
  let subject: string;
  let subjectOrders: string[];
  let bystanderOrder: string;
  let guestOrder: string;

  it('mirrors the store: the subject, their orders (one with 150 line items), a bystander and a guest', async () => {
    subject = shop.resources.customers.create({ ...pii, note: 'likes blue' }).id;
    const bystander = shop.resources.customers.list()[0]!.id;
    subjectOrders = [
      shop.resources.orders.create({
        customerId: subject,
        lineItems: 150,
        note: `deliver to ${pii.firstName}`,
      }).id,
      shop.resources.orders.create({ customerId: subject, lineItems: 2 }).id,
    ];
    bystanderOrder = shop.resources.orders.create({
      customerId: bystander,
      lineItems: 3,
      note: 'bystander note',
    }).id;
    guestOrder = shop.resources.orders.create({
      customerId: null,
      email: 'guest@example.com',
      lineItems: 1,
    }).id;

    const connected = await fetch(`${runtime.apiUrl}/organizations/${organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: shop.domain, accessToken: runtime.shopify.demoShop!.accessToken }),
    });
    expect(connected.status).toBe(201);
    await expect.poll(async () => (await items('Orders')).length, { timeout: 60_000 }).toBe(4);
    await expect.poll(async () => (await items('Products')).length, { timeout: 30_000 }).toBe(3);
    await expect.poll(async () => (await items('Customers')).length, { timeout: 30_000 }).toBe(5);

    const { body } = await api(`/orders?customerId=${subject}`);
    expect((body['items'] as { shopifyId: string }[]).map((o) => o.shopifyId).sort()).toEqual(
      [...subjectOrders].sort(),
    );
    const big = (await byId('Orders')).get(subjectOrders[0]!)!;
    expect(big['lineItems']).toHaveLength(150);
    expect(big).toMatchObject({ email: pii.email, phone: pii.phone, customerId: subject });
    expect((await everyItemText()).some((text) => text.includes(pii.email))).toBe(true);
  });

  it('customers/data_request exports the customer and every order it lists, in parts well under 400 KB', async () => {
    shop.requestCompliance('customers/data_request', subject);
    await shop.flushDeliveries();
    expect(shop.deliveryAttempts().at(-1)).toMatchObject({ topic: 'customers/data_request', status: 200 });
    const integrationItems = (
      await doc().send(new ScanCommand({ TableName: runtime.tableNames.Integrations, ConsistentRead: true }))
    ).Items!;
    const head = integrationItems.find((item) => item['recordType'] === 'CUSTOMER_DATA_EXPORT')!;
    const exported = await createDataExportStore(doc(), runtime.tableNames.Integrations).get(
      shop.domain,
      String(head['dataRequestId']),
    );
    expect(exported!.records.map((record) => record['shopifyId'])).toEqual([subject]);
    expect(exported!.orders.map((order) => order['shopifyId']).sort()).toEqual([...subjectOrders].sort());
    expect(
      exported!.orders.find((order) => order['shopifyId'] === subjectOrders[0])!['lineItems'],
    ).toHaveLength(150);
    const exportItems = integrationItems.filter((item) =>
      String(item['integrationId']).startsWith(`data-request#${shop.domain}#`),
    );
    for (const item of exportItems) expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(200 * 1024);
  });

  it('customers/redact erases the subject and the personal fields of every order naming it, listed or not; nothing else changes', async () => {
    const before = await byId('Orders');
    const productsBefore = await items('Products');

    // Shopify lists one of the two orders: the other still names the customer in the mirror.
    shop.requestCompliance('customers/redact', subject, [subjectOrders[0]!]);
    await shop.flushDeliveries();
    expect(shop.deliveryAttempts().at(-1)).toMatchObject({ topic: 'customers/redact', status: 200 });

    const after = await byId('Orders');
    for (const id of subjectOrders) {
      const order = after.get(id)!;
      for (const field of orderPersonalFields)
        expect({ id, field, value: order[field] }).toEqual({ id, field });
      // The sale stays the merchant's record: its lines and totals are kept.
      const kept = before.get(id)!;
      expect(order['lineItems']).toEqual(kept['lineItems']);
      expect(order['totalPrice']).toEqual(kept['totalPrice']);
      expect(order['name']).toBe(kept['name']);
    }
    expect(after.get(bystanderOrder)).toEqual(before.get(bystanderOrder));
    expect(after.get(guestOrder)).toEqual(before.get(guestOrder));
    expect(await items('Products')).toEqual(productsBefore);
    expect((await byId('Customers')).get(subject)).toMatchObject({ status: 'REDACTED' });

    const leaks = (await everyItemText()).filter((text) =>
      Object.values(pii).some((value) => text.includes(value)),
    );
    expect(leaks).toEqual([]);

    // A later orders/updated of a redacted order does not bring the data back.
    shop.resources.orders.update(subjectOrders[1]!, { note: `call ${pii.phone}` });
    await shop.flushDeliveries();
    expect(shop.deliveryAttempts().at(-1)).toMatchObject({ topic: 'orders/updated', status: 200 });
    expect((await byId('Orders')).get(subjectOrders[1]!)).toMatchObject({ status: 'REDACTED' });
    expect((await everyItemText()).filter((text) => text.includes(pii.phone))).toEqual([]);
  });

  it('shop/redact after the uninstall purges the customers, orders and products of the store', async () => {
    shop.uninstall();
    await shop.flushDeliveries();
    // The uninstall is confirmed by Shopify's 401 at the next sync, which the claim made due.
    await runtime.scheduler.fire('sync-schedule');
    await expect
      .poll(async () => ((await api('/integrations')).body['items'] as { status: string }[])[0]!.status, {
        timeout: 30_000,
      })
      .toBe('INACTIVE');
    shop.requestCompliance('shop/redact');
    await shop.flushDeliveries();
    expect(shop.deliveryAttempts().at(-1)).toMatchObject({ topic: 'shop/redact', status: 200 });

    for (const table of ['Customers', 'Orders', 'Products'] as const)
      expect({ table, items: await items(table) }).toEqual({ table, items: [] });
    const texts = await everyItemText();
    expect(
      texts.filter((text) => text.includes('guest@example.com') || text.includes('bystander note')),
    ).toEqual([]);
  });
});
