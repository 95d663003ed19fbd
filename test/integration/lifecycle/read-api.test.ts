import type { Context } from 'aws-lambda';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { toRecord } from '../../../lambdas/resources/kit/mirrored-record.js';
import { createApiHandler } from '../../../lambdas/handlers/api.js';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { apiGatewayEventFor } from '../../../local/http-api.js';
import { useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();
let api: ReturnType<typeof createApiHandler>;
let store: ReturnType<typeof createRecordStore>;
const org = 'org-read';
const owner = { organizationId: org, integrationId: 'int-read', shopDomain: 'read.myshopify.com' };

const record = (n: number, updatedAt: string): CustomerRecord =>
  toRecord<CustomerRecord>(
    'Customer',
    {
      shopifyId: String(7_000_000_000_000_000_000n + BigInt(n)),
      firstName: `C${n}`,
      lastName: null,
      email: null,
      phone: null,
      state: 'ENABLED',
      verifiedEmail: true,
      taxExempt: false,
      taxExemptions: [],
      note: null,
      defaultAddress: null,
      createdAt: updatedAt,
      shopifyUpdatedAt: updatedAt,
    },
    owner,
  );

const get = async (path: string) => {
  const event = apiGatewayEventFor(apiRoutes, { method: 'GET', url: path });
  if (!event) return { status: 404, body: { message: 'Not Found' } };
  const response = await api(event, {} as Context);
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
};

const listAll = async (query: string, onPage?: (page: number) => Promise<void>) => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body } = await get(
      `/organizations/${org}/customers?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(status).toBe(200);
    seen.push(...body.items.map((item: { shopifyId: string }) => item.shopifyId));
    cursor = body.nextCursor;
    pages += 1;
    await onPage?.(pages);
  } while (cursor);
  return seen;
};

beforeAll(async () => {
  const doc = createDocumentClient(tables.client);
  store = createRecordStore(doc, tables.names.Customers);
  api = createApiHandler({
    sync: {} as never,
    readers: [
      { definition: customersResource, queries: createRecordQueryStore(doc, tables.names.Customers) },
    ],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await store.upsertMany(
    Array.from({ length: 120 }, (_, n) => record(n, new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString())),
  );
  for (let n = 0; n < 120; n += 4) {
    await store.markDeleted(
      { ...owner, shopifyId: record(n, '2026-01-01T00:00:00Z').shopifyId },
      '2026-02-01T00:00:00Z',
      'webhook',
    );
  }
});

describe('GET /organizations/{organizationId}/customers', () => {
  it('pages through every customer exactly once while other customers are written between pages', async () => {
    const ids = await listAll('limit=7', async (page) => {
      // Concurrent writers: new customers appear and existing ones change between pages.
      await store.upsert(record(1000 + page, '2026-03-01T00:00:00.000Z'));
      await store.upsert(record(page, '2026-03-02T00:00:00.000Z'));
    });

    expect(new Set(ids).size).toBe(ids.length);
    for (let n = 0; n < 120; n += 1) expect(ids).toContain(record(n, '2026-01-01T00:00:00Z').shopifyId);
  });

  it('filters by status and still returns full pages across the filtered-out items', async () => {
    const ids = await listAll('status=INACTIVE&limit=10');
    expect(ids.sort()).toEqual(
      Array.from({ length: 30 }, (_, k) => record(k * 4, '2026-01-01T00:00:00Z').shopifyId).sort(),
    );
  });

  it('lists changes since a time through the updatedAt index', async () => {
    const since = new Date(Date.UTC(2026, 0, 1, 1, 50)).toISOString();
    const ids = await listAll(`updatedSince=${since}&limit=4`);
    const { body } = await get(`/organizations/${org}/customers?updatedSince=${since}&limit=500`);
    expect(ids).toEqual(body.items.map((item: { shopifyId: string }) => item.shopifyId));
    for (const item of body.items) expect(item.shopifyUpdatedAt >= since).toBe(true);
    expect(ids).toContain(record(115, '2026-01-01T00:00:00Z').shopifyId);
    expect(ids).not.toContain(record(100, '2026-01-01T00:00:00Z').shopifyId);
  });

  it.each([
    ['a limit above 500', 'limit=501'],
    ['an unknown status', 'status=GONE'],
    ['a malformed cursor', 'cursor=not-a-cursor'],
    ['an unknown parameter', 'sort=name'],
  ])('answers 400 for %s', async (_what, query) => {
    const { status, body } = await get(`/organizations/${org}/customers?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a cursor made for another organization or another listing', async () => {
    const { body } = await get(`/organizations/${org}/customers?limit=1`);
    const other = await get(`/organizations/org-other/customers?cursor=${body.nextCursor}`);
    const otherMode = await get(
      `/organizations/${org}/customers?updatedSince=2026-01-01T00:00:00Z&cursor=${body.nextCursor}`,
    );
    expect([other.status, otherMode.status]).toEqual([400, 400]);
  });
});

describe('GET /organizations/{organizationId}/customers/{shopifyId}', () => {
  it('returns the stored customer, and 404 for one that is not stored', async () => {
    const id = record(5, '2026-01-01T00:00:00Z').shopifyId;
    expect(await get(`/organizations/${org}/customers/${id}`)).toMatchObject({
      status: 200,
      body: { shopifyId: id, firstName: 'C5' },
    });
    expect((await get(`/organizations/${org}/customers/123`)).status).toBe(404);
    expect((await get(`/organizations/org-other/customers/${id}`)).status).toBe(404);
    expect((await get(`/organizations/${org}/customers/not-a-number`)).status).toBe(400);
  });
});
