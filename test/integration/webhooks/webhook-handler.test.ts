import { updatedShardOf } from '../../../lambdas/adapters/dynamodb/updated-shards.js';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../../lambdas/core/webhooks/delivery.js';
import { customerBody, deleteBody, hmac, webhookEvent } from '../../support/webhook-delivery.js';
import { APP_SECRET, B_SECRET, newCustomerId, useWebhookFixture } from './fixture.js';

const f = useWebhookFixture();

const T1 = '2026-03-01T10:00:00-05:00';
const T2 = '2026-03-01T11:00:00-05:00';
const T3 = '2026-03-01T17:30:00Z';

const send = async (event: Parameters<typeof f.handle>[0]) => {
  const response = await f.handle(event);
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
};

const create = (id: string, updatedAt = T1, extra: Partial<Parameters<typeof customerBody>[0]> = {}) =>
  webhookEvent({
    secret: APP_SECRET,
    shop: f.shopA,
    topic: 'customers/create',
    body: customerBody({ id, updatedAt, ...extra }),
  });
const update = (id: string, updatedAt: string, firstName: string) =>
  webhookEvent({
    secret: APP_SECRET,
    shop: f.shopA,
    topic: 'customers/update',
    body: customerBody({
      id,
      updatedAt,
      firstName,
      address: { id: 42, city: 'Montréal', country_code: 'CA', province_code: '' },
    }),
  });
const remove = (id: string, triggeredAt = T3) =>
  webhookEvent({
    secret: APP_SECRET,
    shop: f.shopA,
    topic: 'customers/delete',
    body: deleteBody(id),
    triggeredAt,
  });

/** Sends a request that must be refused and proves nothing reached the table. */
const expectRejected = async (event: Parameters<typeof f.handle>[0], status: number, code: string) => {
  const before = await f.customerItems();
  const writes = f.writes;
  const response = await send(event);
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(f.writes).toBe(writes);
  expect(await f.customerItems()).toEqual(before);
};

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      );

describe('customer webhooks → DynamoDB mirror', () => {
  it('create then update then delete leaves the newest snapshot, INACTIVE, with the delete time', async () => {
    const id = newCustomerId();
    expect((await send(create(id))).body).toMatchObject({ outcome: 'written', shopifyId: id });
    expect((await send(update(id, T2, 'Grace'))).body).toMatchObject({ outcome: 'written' });
    expect((await send(remove(id))).body).toMatchObject({ outcome: 'written' });

    const item = await f.store.get('org-a', id);
    expect(item).toMatchObject({
      organizationId: 'org-a',
      integrationId: 'int-a',
      shopDomain: f.shopA,
      shopifyId: id,
      shopifyGid: `gid://shopify/Customer/${id}`,
      firstName: 'Grace',
      email: `c${id}@example.com`,
      state: 'ENABLED',
      createdAt: '2026-01-01T14:00:00.000Z',
      shopifyUpdatedAt: '2026-03-01T16:00:00.000Z',
      status: 'INACTIVE',
      deletedAt: '2026-03-01T17:30:00.000Z',
      deleteReason: 'webhook',
    });
    expect(item?.defaultAddress).toMatchObject({
      id: '42',
      city: 'Montréal',
      countryCode: 'CA',
      provinceCode: null,
    });
  });

  it('a REST API event (payload 1.0, base64 body, headers as sent), as the WAF-fronted route delivers it, is verified and written alike', async () => {
    const id = newCustomerId();
    const v2 = create(id);
    const titleCase = (name: string) =>
      name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    const headers = Object.fromEntries(
      Object.entries(v2.headers).map(([name, value]) => [titleCase(name), value!]),
    );
    const rest = {
      resource: '/webhooks/shopify',
      path: '/webhooks/shopify',
      httpMethod: 'POST',
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters: null,
      pathParameters: null,
      body: Buffer.from(v2.body!, v2.isBase64Encoded ? 'base64' : 'utf8').toString('base64'),
      isBase64Encoded: true,
      requestContext: { stage: 'live', resourcePath: '/webhooks/shopify', httpMethod: 'POST' },
    } as unknown as Parameters<typeof f.handle>[0];
    expect((await send(rest)).body).toMatchObject({ outcome: 'written', shopifyId: id });
    expect(await f.store.get('org-a', id)).toMatchObject({ shopifyId: id, status: 'ACTIVE' });
  });

  it('every delivery order of create, update, delete ends in the identical item', async () => {
    const finals: unknown[] = [];
    for (const order of permutations(['create', 'update', 'delete'] as const)) {
      const id = newCustomerId();
      const events = { create: create(id), update: update(id, T2, 'Grace'), delete: remove(id) };
      for (const name of order) expect((await send(events[name])).status).toBe(200);
      // The id and what derives from it (gid, email, index shard) differ by design.
      const stored: Record<string, unknown> = { ...(await f.store.get('org-a', id))! };
      const { shopifyId, shopifyGid, email, updatedShard, ...item } = stored;
      expect([shopifyId, shopifyGid, email]).toEqual([
        id,
        `gid://shopify/Customer/${id}`,
        `c${id}@example.com`,
      ]);
      expect(updatedShard).toBe(updatedShardOf('org-a', id));
      finals.push(item);
    }
    expect(finals).toHaveLength(6);
    for (const item of finals) expect(item).toEqual(finals[0]);
    expect(finals[0]).toMatchObject({
      firstName: 'Grace',
      status: 'INACTIVE',
      shopifyUpdatedAt: '2026-03-01T16:00:00.000Z',
    });
  });

  it('a stale update never overwrites a newer one and is answered 200 as stale', async () => {
    const id = newCustomerId();
    await send(update(id, T2, 'Newer'));
    const stale = await send(update(id, T1, 'Older'));
    expect(stale).toEqual({
      status: 200,
      body: { outcome: 'stale', reason: 'newer-snapshot-stored', shopifyId: id },
    });
    expect((await f.store.get('org-a', id))?.firstName).toBe('Newer');
  });

  it('a delete for a never-seen customer leaves a tombstone that an older create cannot revive', async () => {
    const id = newCustomerId();
    await send(remove(id));
    expect(await f.store.get('org-a', id)).toEqual({
      organizationId: 'org-a',
      shopifyId: id,
      integrationId: 'int-a',
      shopDomain: f.shopA,
      status: 'INACTIVE',
      deletedAt: '2026-03-01T17:30:00.000Z',
      deleteReason: 'webhook',
    });
    await send(create(id));
    expect(await f.store.get('org-a', id)).toMatchObject({ status: 'INACTIVE', firstName: 'Ada' });
  });

  it('keeps 64-bit ids exact (9007199254740993 is not rounded to ...992)', async () => {
    const id = '9007199254740993';
    expect((await send(create(id))).status).toBe(200);
    const item = await f.store.get('org-a', id);
    expect(item?.shopifyId).toBe('9007199254740993');
    expect(item?.shopifyGid).toBe('gid://shopify/Customer/9007199254740993');
    expect(await f.store.get('org-a', '9007199254740992')).toBeUndefined();
  });
});

describe('replays: the same signed body twice', () => {
  it('a sequential redelivery answers 200 duplicate and writes nothing', async () => {
    const id = newCustomerId();
    const event = create(id);
    expect((await send(event)).body).toMatchObject({ outcome: 'written' });
    const stored = await f.store.get('org-a', id);
    expect(await send(event)).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate', reason: 'body-already-processed' },
    });
    expect(await f.store.get('org-a', id)).toEqual(stored);
  });

  it('ten concurrent copies: exactly one is written, every other one answers 200 duplicate', async () => {
    const event = create(newCustomerId());
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(event)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const outcomes = responses.map((r) => r.body.outcome).sort();
    expect(outcomes).toEqual(['duplicate', ...Array(8).fill('duplicate'), 'written'].sort());
    expect((await send(event)).body).toMatchObject({ outcome: 'duplicate' });
  });

  it('a body replayed under another store, webhook id or topic of the same shape writes nothing', async () => {
    const id = newCustomerId();
    const body = customerBody({ id, updatedAt: T1, firstName: 'Original' });
    const event = webhookEvent({ secret: APP_SECRET, shop: f.shopA, topic: 'customers/create', body });
    expect((await send(event)).body).toMatchObject({ outcome: 'written' });
    const before = await f.customerItems();
    // Store B signs with its own secret: the app's signature is no signature there.
    const toB = await send({ ...event, headers: { ...event.headers, 'x-shopify-shop-domain': f.shopB } });
    expect(toB.status).toBe(401);
    for (const headers of [
      { 'x-shopify-shop-domain': f.shopC },
      { 'x-shopify-shop-domain': f.shopInactive },
      { 'x-shopify-shop-domain': 'unknown-store.myshopify.com' },
      { 'x-shopify-webhook-id': randomUUID() },
      { 'x-shopify-topic': 'customers/update' },
      // The same signature in another base64 spelling is the same body.
      { 'x-shopify-hmac-sha256': `${event.headers['x-shopify-hmac-sha256']!.replace(/=+$/, '')}` },
    ]) {
      const replay = { ...event, headers: { ...event.headers, ...headers } };
      const answer = await send(replay);
      expect(answer.status).toBe(200);
      expect(['duplicate', 'ignored']).toContain(answer.body.outcome);
    }
    expect(await f.customerItems()).toEqual(before);
  });

  it('a stale body is remembered too: replayed to another store it still writes nothing', async () => {
    const id = newCustomerId();
    expect((await send(update(id, T2, 'Newer'))).body).toMatchObject({ outcome: 'written' });
    const older = update(id, T1, 'Older');
    expect((await send(older)).body).toMatchObject({ outcome: 'stale' });
    const before = await f.customerItems();
    const replay = { ...older, headers: { ...older.headers, 'x-shopify-shop-domain': f.shopC } };
    expect(await send(replay)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await f.customerItems()).toEqual(before);
  });

  it("a delivery that failed is not remembered: Shopify's retry of the same body is applied", async () => {
    const id = newCustomerId();
    const event = create(id);
    f.failNextWrite = true;
    expect((await send(event)).status).toBe(500);
    expect(await f.store.get('org-a', id)).toBeUndefined();
    expect((await send(event)).body).toMatchObject({ outcome: 'written' });
    expect(await f.store.get('org-a', id)).toMatchObject({ shopifyId: id });
  });

  it('a delivery that failed validation is not remembered as done', async () => {
    const id = newCustomerId();
    const bad = webhookEvent({
      secret: APP_SECRET,
      shop: f.shopA,
      topic: 'customers/update',
      body: '{"id": 1',
      webhookId: `w-${id}`,
    });
    expect((await send(bad)).status).toBe(400);
    const good = webhookEvent({
      secret: APP_SECRET,
      shop: f.shopA,
      topic: 'customers/update',
      body: customerBody({ id, updatedAt: T1 }),
      webhookId: `w-${id}`,
    });
    expect((await send(good)).body).toMatchObject({ outcome: 'written' });
  });
});

describe('rejected and ignored deliveries write nothing', () => {
  const body = () => customerBody({ id: newCustomerId(), updatedAt: T1 });
  const base = () => ({ secret: APP_SECRET, shop: f.shopA, topic: 'customers/create', body: body() });

  it('a bad signature → 401', async () => {
    await expectRejected(webhookEvent({ ...base(), secret: 'wrong' }), 401, 'INVALID_SIGNATURE');
  });
  it('a body altered after signing → 401', async () => {
    const event = webhookEvent(base());
    await expectRejected({ ...event, body: event.body!.replace('Ada', 'Eve') }, 401, 'INVALID_SIGNATURE');
  });
  it('a missing signature header → 401', async () => {
    await expectRejected(
      webhookEvent({ ...base(), headers: { 'x-shopify-hmac-sha256': undefined } }),
      401,
      'INVALID_SIGNATURE',
    );
  });
  it('a signed delivery without a topic → 400', async () => {
    await expectRejected(
      webhookEvent({ ...base(), headers: { 'x-shopify-topic': undefined } }),
      400,
      'VALIDATION_FAILED',
    );
  });
  it('a signed delivery without a shop domain → 400', async () => {
    await expectRejected(
      webhookEvent({ ...base(), headers: { 'x-shopify-shop-domain': undefined } }),
      400,
      'VALIDATION_FAILED',
    );
  });
  it('a signed delivery without a webhook id → 400', async () => {
    await expectRejected(
      webhookEvent({ ...base(), headers: { 'x-shopify-webhook-id': undefined } }),
      400,
      'VALIDATION_FAILED',
    );
  });
  it('malformed JSON → 400', async () => {
    await expectRejected(webhookEvent({ ...base(), body: '{"id": 12, "state": ' }), 400, 'VALIDATION_FAILED');
  });
  it('wrong types → 400 naming the field', async () => {
    const event = webhookEvent({
      ...base(),
      body: customerBody({ id: '5', updatedAt: T1, extra: { verified_email: 'yes' } }),
    });
    await expectRejected(event, 400, 'VALIDATION_FAILED');
    expect((await send(event)).body).toMatchObject({
      error: { message: expect.stringContaining('verified_email') },
    });
  });
  it('an admin_graphql_api_id that disagrees with the id → 400', async () => {
    const event = webhookEvent({
      ...base(),
      body: customerBody({
        id: '5',
        updatedAt: T1,
        extra: { admin_graphql_api_id: 'gid://shopify/Customer/6' },
      }),
    });
    await expectRejected(event, 400, 'VALIDATION_FAILED');
  });
  it('an oversized body → 413, before any signature work', async () => {
    const event = webhookEvent({
      ...base(),
      body: customerBody({ id: '5', updatedAt: T1, extra: { pad: 'x'.repeat(MAX_BODY_BYTES) } }),
    });
    await expectRejected(event, 413, 'PAYLOAD_TOO_LARGE');
    await expectRejected(
      { ...event, headers: { ...event.headers, 'x-shopify-hmac-sha256': 'garbage' } },
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
  it('an unknown shop with a good app signature → 200 ignored; with a bad one → 401', async () => {
    const before = await f.customerItems();
    const unknown = { ...base(), shop: 'stranger.myshopify.com' };
    expect(await send(webhookEvent(unknown))).toEqual({
      status: 200,
      body: { outcome: 'ignored', reason: 'unknown-shop' },
    });
    await expectRejected(webhookEvent({ ...unknown, secret: 'forged' }), 401, 'INVALID_SIGNATURE');
    expect(await f.customerItems()).toEqual(before);
  });
  it('an inactive integration → 200 ignored', async () => {
    const before = await f.customerItems();
    const response = await send(webhookEvent({ ...base(), shop: f.shopInactive }));
    expect(response).toEqual({ status: 200, body: { outcome: 'ignored', reason: 'inactive-integration' } });
    expect(await f.customerItems()).toEqual(before);
  });
  it('an unknown topic → 200 ignored', async () => {
    const before = await f.customerItems();
    const response = await send(webhookEvent({ ...base(), topic: 'orders/create' }));
    expect(response).toEqual({ status: 200, body: { outcome: 'ignored', reason: 'unhandled-topic' } });
    expect(await f.customerItems()).toEqual(before);
  });
});

describe('header and body encodings', () => {
  it('accepts header names in any case', async () => {
    const id = newCustomerId();
    const body = customerBody({ id, updatedAt: T1 });
    const event = webhookEvent({ secret: APP_SECRET, shop: f.shopA, topic: 'customers/create', body });
    event.headers = Object.fromEntries(
      Object.entries(event.headers).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]),
    );
    expect(Object.keys(event.headers)).toContain('X-Shopify-Hmac-Sha256');
    expect((await send(event)).body).toMatchObject({ outcome: 'written' });
    expect(await f.store.get('org-a', id)).toBeDefined();
  });

  it('verifies base64-encoded bodies on their decoded bytes', async () => {
    const id = newCustomerId();
    const body = customerBody({ id, updatedAt: T1, firstName: 'Zoë 🌿' });
    const event = webhookEvent({
      secret: APP_SECRET,
      shop: f.shopA,
      topic: 'customers/create',
      body,
      base64: true,
    });
    expect((await send(event)).body).toMatchObject({ outcome: 'written' });
    expect((await f.store.get('org-a', id))?.firstName).toBe('Zoë 🌿');
  });
});

describe('tenant isolation', () => {
  it("shop B's header signed with the app secret is refused when B has its own secret", async () => {
    const event = webhookEvent({
      secret: APP_SECRET,
      shop: f.shopB,
      topic: 'customers/create',
      body: customerBody({ id: newCustomerId(), updatedAt: T1 }),
    });
    await expectRejected(event, 401, 'INVALID_SIGNATURE');
  });

  it("shop A's header signed with B's secret is refused", async () => {
    const event = webhookEvent({
      secret: B_SECRET,
      shop: f.shopA,
      topic: 'customers/create',
      body: customerBody({ id: newCustomerId(), updatedAt: T1 }),
    });
    await expectRejected(event, 401, 'INVALID_SIGNATURE');
  });

  it("a delivery signed with B's own secret writes only into B's organization", async () => {
    const id = newCustomerId();
    const body = customerBody({
      id,
      updatedAt: T1,
      extra: { shop_domain: f.shopA, organization_id: 'org-a' },
    });
    const response = await send(
      webhookEvent({ secret: B_SECRET, shop: f.shopB, topic: 'customers/create', body }),
    );
    expect(response.body).toMatchObject({ outcome: 'written' });
    expect(await f.store.get('org-b', id)).toMatchObject({ integrationId: 'int-b', shopDomain: f.shopB });
    expect(await f.store.get('org-a', id)).toBeUndefined();
  });
});

describe('logs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('carry shop, topic, webhook id and outcome, but never the secret or personal data', async () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const id = newCustomerId();
    const email = `private.person.${id}@example.org`;
    const webhookId = randomUUID();
    const body = customerBody({ id, updatedAt: T1, email, phone: '+15145550123', firstName: 'Secretia' });
    await send(
      webhookEvent({ secret: APP_SECRET, shop: f.shopA, topic: 'customers/create', body, webhookId }),
    );
    await send(webhookEvent({ secret: 'forged-secret', shop: f.shopA, topic: 'customers/create', body }));
    await send(
      webhookEvent({
        secret: APP_SECRET,
        shop: f.shopA,
        topic: 'customers/create',
        body: body.replace('"state":"enabled"', '"state":"bogus"'),
      }),
    );
    vi.restoreAllMocks();

    const output = lines.join('');
    expect(output).toContain(webhookId);
    expect(output).toContain('"outcome":"written"');
    expect(output).toContain('"outcome":"rejected"');
    expect(output).toContain(f.shopA);
    for (const forbidden of [
      APP_SECRET,
      'forged-secret',
      email,
      '+15145550123',
      'Secretia',
      hmac(APP_SECRET, body),
    ]) {
      expect(output).not.toContain(forbidden);
    }
  });
});
