/**
 * The read API's `updatedSince` listing over the write-sharded index (updated-shards.ts), through
 * the API handler against DynamoDB Local: pages come in update-time order, every record exactly
 * once, with many records sharing one update time and records updated between pages.
 */
import type { Context } from 'aws-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import {
  SHARDED_UPDATED_INDEX,
  shardKey,
  UPDATED_SHARDS,
} from '../../../lambdas/adapters/dynamodb/updated-shards.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { toRecord } from '../../../lambdas/resources/kit/mirrored-record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { createApiHandler } from '../../../lambdas/handlers/api.js';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { apiGatewayEventFor } from '../../../local/http-api.js';
import { useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();
let api: ReturnType<typeof createApiHandler>;
let store: ReturnType<typeof createRecordStore<CustomerRecord>>;
const org = 'org-shards';
const owner = { organizationId: org, integrationId: 'int-shards', shopDomain: 'shards.myshopify.com' };
const idOf = (n: number) => String(8_000_000_000_000_000_000n + BigInt(n) * 7919n);
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 0, minute)).toISOString();

const record = (n: number, updatedAt: string, firstName = `C${n}`): CustomerRecord =>
  toRecord<CustomerRecord>(
    'Customer',
    {
      shopifyId: idOf(n),
      firstName,
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

interface Listed {
  readonly shopifyId: string;
  readonly shopifyUpdatedAt: string;
  readonly firstName: string;
  readonly status: string;
}

const get = async (path: string) => {
  const event = apiGatewayEventFor(apiRoutes, { method: 'GET', url: path });
  if (!event) throw new Error(`no route for ${path}`);
  const response = await api(event, {} as Context);
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
};

/** Every page of one listing; `between` runs after each page (writes while the client pages). */
const listAll = async (query: string, between?: (page: number) => Promise<void>) => {
  const seen: Listed[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body } = await get(
      `/organizations/${org}/customers?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    seen.push(...(body.items as Listed[]));
    cursor = body.nextCursor;
    pages += 1;
    await between?.(pages);
  } while (cursor && pages < 500);
  expect(cursor).toBeNull();
  return seen;
};

const expectInUpdateOrder = (listed: readonly Listed[]) => {
  for (let i = 1; i < listed.length; i += 1)
    expect(listed[i]!.shopifyUpdatedAt >= listed[i - 1]!.shopifyUpdatedAt).toBe(true);
};

const RECORDS = 240;

beforeAll(async () => {
  const doc = createDocumentClient(tables.client);
  store = createRecordStore<CustomerRecord>(doc, tables.names.Customers);
  api = createApiHandler({
    sync: {} as never,
    readers: [
      {
        definition: customersResource,
        queries: createRecordQueryStore(doc, tables.names.Customers, { updatedSinceIndex: 'sharded' }),
      },
    ],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  // Twelve update times for 240 records: twenty records share each time, across the shards.
  await store.upsertMany(Array.from({ length: RECORDS }, (_, n) => record(n, at(n % 12))));
});

describe('the updatedSince listing over the sharded index', () => {
  it('spreads one organization over every shard key of the index', async () => {
    const counts = await Promise.all(
      Array.from({ length: UPDATED_SHARDS }, async (_, shard) => {
        const { Count } = await tables.doc.send(
          new QueryCommand({
            TableName: tables.names.Customers,
            IndexName: SHARDED_UPDATED_INDEX,
            KeyConditionExpression: 'updatedShard = :shard',
            ExpressionAttributeValues: { ':shard': shardKey(org, shard) },
            Select: 'COUNT',
          }),
        );
        return Count ?? 0;
      }),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(RECORDS);
    // 240 records over 16 shards: 15 each on average; none empty, none holding a third.
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(RECORDS / 3);
  });

  it('pages in update-time order and lists every record exactly once, ties included', async () => {
    for (const limit of [7, 100, 500]) {
      const listed = await listAll(`updatedSince=${at(0)}&limit=${limit}`);
      expect(listed.map((item) => item.shopifyId).sort()).toEqual(
        Array.from({ length: RECORDS }, (_, n) => idOf(n)).sort(),
      );
      expectInUpdateOrder(listed);
      // The read API never shows the index's storage key.
      expect(listed.every((item) => !('updatedShard' in item))).toBe(true);
    }
    // One item a page: every page boundary falls inside a run of equal update times.
    const oneByOne = await listAll(`updatedSince=${at(10)}&limit=1`);
    expect(oneByOne.map((item) => item.shopifyId).sort()).toEqual(
      Array.from({ length: RECORDS }, (_, n) => n)
        .filter((n) => n % 12 >= 10)
        .map(idOf)
        .sort(),
    );
    expectInUpdateOrder(oneByOne);
  });

  it('gives the same order on every read of unchanged data', async () => {
    const first = await listAll(`updatedSince=${at(3)}&limit=9`);
    const second = await listAll(`updatedSince=${at(3)}&limit=23`);
    expect(second.map((item) => item.shopifyId)).toEqual(first.map((item) => item.shopifyId));
    expect(first).toHaveLength((RECORDS / 12) * 9);
  });

  it('lists a record updated while the client pages at its new place, and skips none', async () => {
    const updated = new Set<number>();
    const listed = await listAll(`updatedSince=${at(0)}&limit=10`, async (page) => {
      if (page !== 3) return;
      // Some of these were listed already (update time 0–1), most not yet.
      const changes = [0, 1, 12, 13, 50, 51, 100, 101, 200, 201, 239].map((n) => {
        updated.add(n);
        return record(n, at(60), `updated-${n}`);
      });
      await store.upsertMany(changes);
    });
    expectInUpdateOrder(listed);
    const byId = new Map<string, Listed[]>();
    for (const item of listed) byId.set(item.shopifyId, [...(byId.get(item.shopifyId) ?? []), item]);
    for (let n = 0; n < RECORDS; n += 1) {
      const versions = byId.get(idOf(n)) ?? [];
      if (!updated.has(n)) {
        expect(versions, `record ${n}`).toHaveLength(1);
        continue;
      }
      // An updated record is always listed with its new version, once; it may also have been
      // listed before the update (then it comes first, with the old version).
      expect(versions.at(-1), `record ${n}`).toMatchObject({
        firstName: `updated-${n}`,
        shopifyUpdatedAt: at(60),
      });
      expect(versions.filter((v) => v.firstName === `updated-${n}`)).toHaveLength(1);
      expect(versions.length).toBeLessThanOrEqual(2);
    }
    // Restore the shared fixture for the tests after this one.
    await store.upsertMany([...updated].map((n) => record(n, at(61), `C${n}`)));
  });

  it('filters by status across the shards, in order, with full pages where there is more', async () => {
    for (let n = 0; n < RECORDS; n += 3)
      await store.markDeleted({ ...owner, shopifyId: idOf(n) }, '2026-04-01T00:00:00Z', 'webhook');
    const inactive = await listAll(`updatedSince=${at(0)}&status=INACTIVE&limit=11`);
    expect(inactive.map((item) => item.shopifyId).sort()).toEqual(
      Array.from({ length: RECORDS / 3 }, (_, k) => idOf(k * 3)).sort(),
    );
    expect(inactive.every((item) => item.status === 'INACTIVE')).toBe(true);
    expectInUpdateOrder(inactive);
    const active = await listAll(`updatedSince=${at(0)}&status=ACTIVE&limit=50`);
    expect(active).toHaveLength(RECORDS - RECORDS / 3);
  });

  it('refuses a cursor made for another organization or tampered with (400, nothing listed)', async () => {
    const { body } = await get(`/organizations/${org}/customers?updatedSince=${at(0)}&limit=5`);
    const cursor = body.nextCursor as string;
    const other = await get(
      `/organizations/org-other/customers?updatedSince=${at(0)}&limit=5&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(other.status).toBe(400);
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { ranges: unknown[] };
    const short = Buffer.from(JSON.stringify({ ...raw, ranges: raw.ranges.slice(1) })).toString('base64url');
    const tampered = await get(
      `/organizations/${org}/customers?updatedSince=${at(0)}&limit=5&cursor=${encodeURIComponent(short)}`,
    );
    expect(tampered.status).toBe(400);
    expect(tampered.body.items).toBeUndefined();
  });
});
