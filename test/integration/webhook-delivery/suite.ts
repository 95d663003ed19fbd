/**
 * The webhook suite, run once per delivery mode (https.test.ts, eventbridge.test.ts: one local
 * runtime with the real handlers per process). Everything goes through the local runtime as in
 * production: the simulator's store changes, its deliveries (signed POSTs, or PutEvents on the
 * partner bus → rule → queue → ingest), and the mirror read back over the HTTP API.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/index.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

export type DeliveryMode = 'https' | 'eventbridge';

const organizationId = 'org-delivery';
/** Bodies above this go through EventBridge as `{ "id": … }` (Shopify: 1,000,000 bytes). */
const PAYLOAD_LIMIT_BYTES = 20_000;
const poll = { timeout: 30_000, interval: 100 };

export function describeWebhookDelivery(mode: DeliveryMode): void {
  let runtime: LocalRuntime;
  let shop: SimulatedShop;
  let integrationId: string;
  const runtimeLog: string[] = [];
  beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-200).join('\n'))));

  beforeAll(async () => {
    runtime = await startLocalRuntime({
      ...isolatedRuntime(`wd${mode.slice(0, 2)}`),
      webhookDelivery: mode,
      eventBridgePayloadLimitBytes: PAYLOAD_LIMIT_BYTES,
      demoShop: { customers: 5, orders: 2, products: 2 },
      syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
      lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
      echoHandlerLogs: false,
      log: (line) => runtimeLog.push(line),
    });
    const demo = runtime.shopify.demoShop!;
    shop = runtime.shopify.simulator!.shop(demo.shopDomain);
    const connected = await api(`/organizations/${organizationId}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: demo.shopDomain, accessToken: demo.accessToken }),
    });
    expect(connected.status).toBe(201);
    const { integration, runId } = (await connected.json()) as {
      integration: { integrationId: string };
      runId: string;
    };
    integrationId = integration.integrationId;
    // The whole initial sync: from here on, what changes arrives by webhook (and no sync still
    // reading the store when a test revokes its token).
    const deadline = Date.now() + poll.timeout;
    while ((await syncRun(runId)).status !== 'succeeded') {
      if (Date.now() > deadline) throw new Error('The initial sync did not mirror the demo store in time');
      await new Promise((resolve) => setTimeout(resolve, poll.interval));
    }
    expect(await items('customers')).toHaveLength(5);
  });
  afterAll(() => runtime?.stop());

  const api = (path: string, init?: RequestInit) => fetch(`${runtime.apiUrl}${path}`, init);
  const integrationView = async () =>
    (await (await api(`/organizations/${organizationId}/integrations/${integrationId}`)).json()) as {
      status?: string;
      statusReason?: string;
      uninstallClaimedAt?: string;
    };
  const syncRun = async (runId: string) =>
    (await (
      await api(`/organizations/${organizationId}/integrations/${integrationId}/sync-runs/${runId}`)
    ).json()) as { status?: string };
  const items = async (resource: string): Promise<Record<string, unknown>[]> => {
    const response = await api(`/organizations/${organizationId}/${resource}?limit=100`);
    return ((await response.json()) as { items?: Record<string, unknown>[] }).items ?? [];
  };
  const record = async (resource: string, id: string): Promise<Record<string, unknown> | undefined> => {
    const response = await api(`/organizations/${organizationId}/${resource}/${id}`);
    return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
  };
  /** What reached the mirror's ingest, by webhook id: the ingest's log keys (either transport). */
  const webhookUri = () =>
    mode === 'eventbridge'
      ? runtime.lambdaEnv['SHOPIFY_EVENT_SOURCE_ARN']!
      : runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']!;

  describe(`webhook delivery: ${mode}`, () => {
    it(`subscribes the store's topics at the ${mode === 'https' ? 'callback URL' : 'partner event source ARN'}`, () => {
      const subscriptions = shop.webhookSubscriptions();
      expect(subscriptions.map((s) => s.topic).sort()).toEqual(
        [
          'APP_UNINSTALLED',
          'BULK_OPERATIONS_FINISH',
          'CUSTOMERS_CREATE',
          'CUSTOMERS_DELETE',
          'CUSTOMERS_UPDATE',
          // The orders' parts arrive on topics of their own.
          'FULFILLMENTS_CREATE',
          'FULFILLMENTS_UPDATE',
          'REFUNDS_CREATE',
          'ORDERS_CREATE',
          'ORDERS_DELETE',
          'ORDERS_UPDATED',
          'PRODUCTS_CREATE',
          'PRODUCTS_DELETE',
          'PRODUCTS_UPDATE',
        ].sort(),
      );
      for (const subscription of subscriptions) expect(subscription.uri).toBe(webhookUri());
      if (mode === 'eventbridge')
        expect(webhookUri()).toMatch(
          /^arn:aws:events:us-east-1::event-source\/aws\.partner\/shopify\.com\/\d+\//,
        );
    });

    it('a customer created, updated and deleted in the store ends mirrored as deleted, with its 64-bit id exact', async () => {
      const created = shop.resources.customers.create({ firstName: 'Ada', lastName: 'Lovelace' });
      expect(BigInt(created.id)).toBeGreaterThan(2n ** 53n);
      await expect.poll(async () => (await record('customers', created.id))?.firstName, poll).toBe('Ada');
      shop.resources.customers.update(created.id, { firstName: 'Grace' });
      await expect.poll(async () => (await record('customers', created.id))?.firstName, poll).toBe('Grace');
      shop.resources.customers.delete(created.id);
      await expect.poll(async () => (await record('customers', created.id))?.status, poll).toBe('INACTIVE');
      expect(await record('customers', created.id)).toMatchObject({
        shopifyId: created.id,
        firstName: 'Grace',
      });
    });

    it('orders and products arrive through the same topic registry', async () => {
      const product = shop.resources.products.create({ title: 'Kettle', variants: 3 });
      const order = shop.resources.orders.create({ lineItems: 2, note: 'first' });
      await expect.poll(async () => (await record('products', product.id))?.title, poll).toBe('Kettle');
      await expect.poll(async () => (await record('orders', order.id))?.note, poll).toBe('first');
      shop.resources.orders.update(order.id, { note: 'second' });
      await expect.poll(async () => (await record('orders', order.id))?.note, poll).toBe('second');
      expect((await record('products', product.id))?.variants).toHaveLength(3);
    });

    it('deliveries all sent twice, reordered and delayed converge on the newest state', async () => {
      const customer = shop.resources.customers.create({ firstName: 'v0' });
      await expect.poll(async () => (await record('customers', customer.id))?.firstName, poll).toBe('v0');
      shop.setDelivery({ duplicateProbability: 1, reorderWindow: 4, delayMs: { min: 0, max: 50 }, seed: 7 });
      try {
        for (const name of ['v1', 'v2', 'v3', 'v4'])
          shop.resources.customers.update(customer.id, { firstName: name });
        await shop.flushDeliveries();
        await expect.poll(async () => (await record('customers', customer.id))?.firstName, poll).toBe('v4');
      } finally {
        shop.setDelivery({});
      }
      // Every delivery really was sent twice.
      const attempts = shop.deliveryAttempts().filter((attempt) => attempt.topic === 'customers/update');
      expect(attempts.filter((attempt) => attempt.outcome === 'delivered').length).toBeGreaterThanOrEqual(8);
    });

    it('a dropped delivery that Shopify redelivers later is applied', async () => {
      const customer = shop.resources.customers.create({ firstName: 'before' });
      await expect.poll(async () => (await record('customers', customer.id))?.firstName, poll).toBe('before');
      shop.setDelivery({ dropProbability: 1 });
      shop.resources.customers.update(customer.id, { firstName: 'after' });
      shop.setDelivery({});
      expect(shop.droppedDeliveries().length).toBeGreaterThan(0);
      expect((await record('customers', customer.id))?.firstName).toBe('before');
      await shop.redeliver();
      await expect.poll(async () => (await record('customers', customer.id))?.firstName, poll).toBe('after');
    });

    it('a customer id above 2^53 stays exact end to end', async () => {
      const id = '9007199254740993'; // JSON.parse would make it …992
      const body = `{"id":${id},"email":"exact@example.com","created_at":"2026-01-01T09:00:00-05:00","updated_at":"${new Date().toISOString()}","first_name":"Exact","last_name":"Id","state":"enabled","note":null,"verified_email":true,"multipass_identifier":null,"tax_exempt":false,"phone":null,"currency":"USD","addresses":[],"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${id}","default_address":null}`;
      await deliver('customers/create', body);
      await expect.poll(async () => (await record('customers', id))?.shopifyId, poll).toBe(id);
      expect(await record('customers', '9007199254740992')).toBeUndefined();
    });

    it('a body whose id was rounded on its way (a plain JSON.parse) is mirrored under its exact GraphQL id', async () => {
      const exact = '9007199254740995';
      const rounded = String(Number(exact)); // 9007199254740996
      expect(rounded).not.toBe(exact);
      await deliver('customers/create', customerBody(rounded, exact, 'Rounded'));
      await expect.poll(async () => (await record('customers', exact))?.firstName, poll).toBe('Rounded');
      expect(await record('customers', rounded)).toBeUndefined();
    });

    it('a body whose two ids name different customers is refused, and nothing is written', async () => {
      const id = '9007199254740999';
      const other = '9007199254741999';
      const webhookId = await deliver('customers/create', customerBody(id, other, 'Mismatch'), 400);
      // Over HTTPS the 400 says so; through EventBridge the ingest logs it rejected (and drops it).
      await expect.poll(() => rejectedInLogs(webhookId), poll).toBe(true);
      expect(await record('customers', id)).toBeUndefined();
      expect(await record('customers', other)).toBeUndefined();
    });

    it('an update body under the delete topic is refused: the live customer stays ACTIVE', async () => {
      const customer = shop.resources.customers.create({ firstName: 'Alive' });
      await expect.poll(async () => (await record('customers', customer.id))?.firstName, poll).toBe('Alive');
      const webhookId = await deliver(
        'customers/delete',
        customerBody(customer.id, customer.id, 'Alive'),
        400,
      );
      await expect.poll(() => rejectedInLogs(webhookId), poll).toBe(true);
      expect(await record('customers', customer.id)).toMatchObject({ status: 'ACTIVE', firstName: 'Alive' });
    });

    it('privacy requests stay on HTTPS (the app TOML’s compliance URI) and erase the customer', async () => {
      const customer = shop.resources.customers.create({ firstName: 'Private' });
      await expect
        .poll(async () => (await record('customers', customer.id))?.firstName, poll)
        .toBe('Private');
      shop.requestCompliance('customers/redact', customer.id);
      await shop.flushDeliveries();
      const redact = shop.deliveryAttempts().find((attempt) => attempt.topic === 'customers/redact');
      expect(redact?.url).toBe(runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']);
      await expect
        .poll(async () => (await record('customers', customer.id))?.firstName ?? null, poll)
        .toBeNull();
    });

    if (mode === 'eventbridge') {
      it('a product too large for EventBridge arrives as {id} and is read from Shopify, every variant included', async () => {
        const product = shop.resources.products.create({ title: 'Huge', variants: 120 });
        await expect.poll(async () => (await record('products', product.id))?.title, poll).toBe('Huge');
        const variants = (await record('products', product.id))?.variants as { id: string }[];
        expect(variants).toHaveLength(120);
        expect(new Set(variants.map((variant) => variant.id))).toEqual(
          new Set(product.variants.map((variant) => variant.id)),
        );
        // It really came as a stand-in: the event on the partner bus carried only the id.
        const event = runtime.events.events.findLast(
          (candidate) =>
            (candidate.detail as { metadata?: Record<string, string> }).metadata?.['X-Shopify-Topic'] ===
            'products/create',
        );
        expect(Object.keys((event?.detail as { payload: object }).payload)).toEqual(['id']);
      });

      it('an event that can never apply is dropped as rejected, not retried into the dead-letter queue', async () => {
        const metadata = metadataOf('customers/update');
        await putEvents(JSON.stringify({ payload: { id: 1, unexpected: true }, metadata }));
        await expect.poll(() => rejectedInLogs(metadata['X-Shopify-Webhook-Id']), poll).toBe(true);
        const { visible, inFlight } = runtime.webhookQueue!.counts();
        expect(visible + inFlight).toBe(0);
        expect(runtime.webhookDeadLetterQueue!.counts().visible).toBe(0);
      });

      it('an event from another partner source never reaches the ingest', async () => {
        const before = runtime.webhookQueue!.peek().length;
        const response = await putEvents(
          JSON.stringify({ payload: {}, metadata: metadataOf('customers/update') }),
          'aws.partner/shopify.com/999/someone-else',
        );
        expect(response.FailedEntryCount).toBe(0);
        expect(runtime.webhookQueue!.peek().length).toBe(before);
      });
    }

    it(`the health check repairs a lost subscription at the ${mode === 'https' ? 'callback URL' : 'partner event source ARN'}`, async () => {
      const lost = shop.webhookSubscriptions().find((s) => s.topic === 'CUSTOMERS_UPDATE')!;
      expect(shop.deleteWebhookSubscription(lost.id)).toBe(true);
      // In eventbridge mode, one also left behind at the callback URL (from before the switch).
      const callbackUrl = runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']!;
      if (mode === 'eventbridge')
        shop.addWebhookSubscription('CUSTOMERS_UPDATE', callbackUrl, 'JSON', '2026-10');
      const checked = await api(
        `/organizations/${organizationId}/integrations/${integrationId}/webhooks/check`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
      );
      expect(checked.status).toBe(200);
      const updates = shop.webhookSubscriptions().filter((s) => s.topic === 'CUSTOMERS_UPDATE');
      expect(updates.map((s) => s.uri)).toEqual([webhookUri()]);
      expect(shop.webhookSubscriptions()).toHaveLength(14);
      // The repaired subscription delivers.
      const customer = shop.resources.customers.create({ firstName: 'Repaired' });
      await expect
        .poll(async () => (await record('customers', customer.id))?.firstName, poll)
        .toBe('Repaired');
      shop.resources.customers.update(customer.id, { firstName: 'Delivered' });
      await expect
        .poll(async () => (await record('customers', customer.id))?.firstName, poll)
        .toBe('Delivered');
    });

    it('app/uninstalled is claimed, then deactivates the integration once Shopify refuses the token', async () => {
      shop.uninstall();
      await shop.flushDeliveries();
      // The delivery alone proves nothing (a replayed body would read the same): a claim, still ACTIVE.
      await expect
        .poll(async () => (await integrationView()).uninstallClaimedAt, poll)
        .toEqual(expect.any(String));
      expect(await integrationView()).toMatchObject({ status: 'ACTIVE' });
      // The next sync asks Shopify, whose 401 confirms it.
      await runtime.scheduler.fire('sync-schedule');
      await expect
        .poll(async () => {
          const { status, statusReason } = await integrationView();
          return { status, statusReason };
        }, poll)
        .toEqual({ status: 'INACTIVE', statusReason: 'app-uninstalled' });
    });
  });

  const metadataOf = (topic: string) => ({
    'X-Shopify-Topic': topic,
    'X-Shopify-Shop-Domain': shop.domain,
    'X-Shopify-Webhook-Id': randomUUID(),
    'X-Shopify-Event-Id': randomUUID(),
    'X-Shopify-Triggered-At': new Date().toISOString(),
    'X-Shopify-API-Version': '2026-10',
  });

  const putEvents = async (detail: string, source?: string): Promise<{ FailedEntryCount: number }> => {
    const eventSource = source ?? runtime.lambdaEnv['SHOPIFY_EVENT_SOURCE_ARN']!.split('::event-source/')[1]!;
    const response = await fetch(runtime.awsEndpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      body: JSON.stringify({
        Entries: [
          { Source: eventSource, DetailType: 'shopifyWebhook', Detail: detail, EventBusName: eventSource },
        ],
      }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { FailedEntryCount: number };
  };

  const customerBody = (id: string, gidId: string, firstName: string): string =>
    `{"id":${id},"email":null,"created_at":"2026-01-01T09:00:00-05:00","updated_at":"${new Date().toISOString()}","first_name":"${firstName}","last_name":"Id","state":"enabled","note":null,"verified_email":true,"multipass_identifier":null,"tax_exempt":false,"phone":null,"currency":"USD","addresses":[],"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${gidId}","default_address":null}`;

  /** One delivery the way the deployment takes them: a signed POST, or an event on the partner bus. */
  const rejectedInLogs = (webhookId: string): boolean =>
    runtime.cloudWatch.logs.some((line) => {
      const text = JSON.stringify(line);
      return text.includes('webhook rejected') && text.includes(webhookId);
    });

  /** Returns the delivery's X-Shopify-Webhook-Id. */
  const deliver = async (topic: string, body: string, httpsStatus = 200): Promise<string> => {
    const metadata = metadataOf(topic);
    if (mode === 'eventbridge') {
      // The body's text is embedded as is: its ids never pass through a JS number.
      const response = await putEvents(`{"payload":${body},"metadata":${JSON.stringify(metadata)}}`);
      expect(response.FailedEntryCount).toBe(0);
      return metadata['X-Shopify-Webhook-Id'];
    }
    const response = await fetch(runtime.lambdaEnv['WEBHOOK_CALLBACK_URL']!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': createHmac('sha256', runtime.shopify.appSecret)
          .update(body)
          .digest('base64'),
        ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v])),
      },
      body,
    });
    expect(response.status).toBe(httpsStatus);
    return metadata['X-Shopify-Webhook-Id'];
  };
}
