import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { gidOf } from '../../../lambdas/resources/kit/mirrored-record.js';
import type { RecordStore } from '../../../lambdas/core/records/record-writes.js';
import { NotFoundError } from '../../../lambdas/core/errors.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { PageWrites } from '../../../lambdas/core/sync/page-writes.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { localDynamoClient, useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();
let customers: RecordStore<CustomerRecord>;
beforeAll(() => {
  customers = createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers);
});

const owner = { organizationId: 'org-s', integrationId: 'int-s', shopDomain: 's.myshopify.com' };
const record = (shopifyId: string, shopifyUpdatedAt: string, firstName = 'Ada'): CustomerRecord => ({
  ...owner,
  shopifyId,
  shopifyGid: gidOf('Customer', shopifyId),
  source: 'SHOPIFY',
  firstName,
  lastName: null,
  email: null,
  phone: null,
  state: 'ENABLED',
  verifiedEmail: false,
  taxExempt: false,
  taxExemptions: [],
  note: null,
  defaultAddress: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  shopifyUpdatedAt,
});

describe('customer store', () => {
  it('pages written back to back share one concurrency: the next page starts before the last one drains, never past the bound', async () => {
    // A client that sees every request the store sends: how many are in flight, and when.
    const client = localDynamoClient(tables.endpoint);
    let inFlight = 0;
    let maxInFlight = 0;
    const timeline: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const key = (args.input as { Key?: { shopifyId?: string | { S?: string } } }).Key?.shopifyId;
        const id = typeof key === 'object' ? key.S : key;
        timeline.push(`start ${id}`);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight -= 1;
          timeline.push(`end ${id}`);
        }
      },
      { step: 'initialize' },
    );
    const store = createRecordStore<CustomerRecord>(createDocumentClient(client), tables.names.Customers);
    const page = (n: number) =>
      Array.from({ length: 10 }, (_, i) => record(`5${n}${i}`, '2026-02-01T00:00:00.000Z'));
    const writes = new PageWrites(store, 4);
    const outcomes = await Promise.all([writes.start(page(1)), writes.start(page(2)), writes.start([])]);

    expect(outcomes).toEqual([
      { written: 10, stale: 0, redacted: 0 },
      { written: 10, stale: 0, redacted: 0 },
      { written: 0, stale: 0, redacted: 0 },
    ]);
    expect(maxInFlight).toBe(4);
    const lastEndOfPage1 = Math.max(...page(1).map((r) => timeline.indexOf(`end ${r.shopifyId}`)));
    const firstStartOfPage2 = Math.min(...page(2).map((r) => timeline.indexOf(`start ${r.shopifyId}`)));
    expect(firstStartOfPage2).toBeGreaterThan(-1);
    expect(firstStartOfPage2).toBeLessThan(lastEndOfPage1); // no drain between the pages
    expect(
      await tables.doc.send(
        new GetCommand({
          TableName: tables.names.Customers,
          Key: { organizationId: owner.organizationId, shopifyId: '529' },
        }),
      ),
    ).toMatchObject({ Item: { firstName: 'Ada', status: 'ACTIVE' } });
    client.destroy();
  });

  it('a batch whose write fails takes no more records and rejects only once its writes in flight are done', async () => {
    const client = localDynamoClient(tables.endpoint);
    let inFlight = 0;
    let sent = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        const key = (args.input as { Key?: { shopifyId?: string | { S?: string } } }).Key?.shopifyId;
        const id = typeof key === 'object' ? key.S : key;
        sent += 1;
        inFlight += 1;
        try {
          if (id === '603') throw new Error('connection reset');
          return await next(args);
        } finally {
          inFlight -= 1;
        }
      },
      { step: 'initialize' },
    );
    const store = createRecordStore<CustomerRecord>(createDocumentClient(client), tables.names.Customers);
    const records = Array.from({ length: 40 }, (_, i) =>
      record(`6${String(i).padStart(2, '0')}`, '2026-02-01T00:00:00.000Z'),
    );

    await expect(store.upsertMany(records, { concurrency: 4 })).rejects.toThrow('connection reset');
    expect(inFlight).toBe(0);
    expect(sent).toBeLessThan(10); // the rest of the batch was never sent
    client.destroy();
  });

  it('upsertMany writes with bounded concurrency and counts stale records', async () => {
    const records = Array.from({ length: 20 }, (_, i) => record(`10${i}`, '2026-02-01T00:00:00.000Z'));
    expect(await customers.upsertMany(records, { concurrency: 4 })).toEqual({
      written: 20,
      stale: 0,
      redacted: 0,
    });
    const older = records.slice(0, 5).map((r) => ({ ...r, shopifyUpdatedAt: '2026-01-15T00:00:00.000Z' }));
    expect(await customers.upsertMany(older, { concurrency: 4 })).toEqual({
      written: 0,
      stale: 5,
      redacted: 0,
    });
    expect(await customers.upsertMany([])).toEqual({ written: 0, stale: 0, redacted: 0 });
  });

  it('an equal updatedAt rewrites (idempotent replay of the same state)', async () => {
    await customers.upsert(record('201', '2026-02-01T00:00:00.000Z'));
    expect(await customers.upsert(record('201', '2026-02-01T00:00:00.000Z'))).toBe('written');
  });

  it('keeps the earliest deletion whatever order deletes arrive in', async () => {
    const key = { ...owner, shopifyId: '301' };
    expect(await customers.markDeleted(key, '2026-03-02T00:00:00Z', 'reconciled')).toBe('written');
    expect(await customers.markDeleted(key, '2026-03-01T00:00:00+01:00', 'webhook')).toBe('written');
    expect(await customers.markDeleted(key, '2026-03-05T00:00:00Z', 'reconciled')).toBe('unchanged');
    expect(await customers.get(owner.organizationId, '301')).toMatchObject({
      status: 'INACTIVE',
      deletedAt: '2026-02-28T23:00:00.000Z',
      deleteReason: 'webhook',
    });
  });

  it('never writes a redacted customer again, by upsert or delete', async () => {
    await customers.upsert(record('401', '2026-02-01T00:00:00.000Z'));
    await tables.doc.send(
      new UpdateCommand({
        TableName: tables.names.Customers,
        Key: { organizationId: owner.organizationId, shopifyId: '401' },
        UpdateExpression: 'SET #s = :r, redactedAt = :at REMOVE firstName',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': 'REDACTED', ':at': '2026-02-02T00:00:00.000Z' },
      }),
    );
    expect(await customers.upsert(record('401', '2026-09-01T00:00:00.000Z', 'Back'))).toBe('redacted');
    expect(
      await customers.markDeleted({ ...owner, shopifyId: '401' }, '2026-09-01T00:00:00Z', 'webhook'),
    ).toBe('redacted');
    const item = await customers.get(owner.organizationId, '401');
    expect(item).toMatchObject({ status: 'REDACTED' });
    expect(item?.firstName).toBeUndefined();
  });
});

describe('integration store', () => {
  const integration = (id: string, extra: Partial<Integration> = {}): Integration => ({
    integrationId: id,
    organizationId: 'org-i',
    shopDomain: 'Mixed-Case.myshopify.com',
    status: 'ACTIVE',
    encryptedAccessToken: 'ciphertext',
    createdAt: '2026-01-02T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...extra,
  });
  const raw = async (integrationId: string) =>
    (await tables.doc.send(new GetCommand({ TableName: tables.names.Integrations, Key: { integrationId } })))
      .Item;

  it('maintains the sparse index attributes and hides them from readers', async () => {
    const store = createIntegrationStore(tables.doc, tables.names.Integrations);
    await store.put(integration('i-1'));
    expect(await raw('i-1')).toMatchObject({
      activePartition: 'ACTIVE',
      syncDueKey: '0000-00-00T00:00:00.000Z',
    });
    expect(await store.get('i-1')).toEqual({ ...integration('i-1'), shopDomain: 'mixed-case.myshopify.com' });

    await store.put(integration('i-1', { status: 'INACTIVE', statusReason: 'app-uninstalled' }));
    const inactive = await raw('i-1');
    expect(inactive?.activePartition).toBeUndefined();
    expect(inactive?.statusReason).toBe('app-uninstalled');

    await store.setStatus('i-1', 'ACTIVE');
    expect(await raw('i-1')).toMatchObject({ status: 'ACTIVE', activePartition: 'ACTIVE' });
    await store.setStatus('i-1', 'NEEDS_ATTENTION', 'Shopify answered 401');
    const attention = await raw('i-1');
    expect(attention).toMatchObject({ status: 'NEEDS_ATTENTION', statusReason: 'Shopify answered 401' });
    expect(attention?.activePartition).toBeUndefined();
    await expect(store.setStatus('missing', 'ACTIVE')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a reconnect (put) never drops a running sync lease, moves the watermark, or keeps a stale reason', async () => {
    const store = createIntegrationStore(tables.doc, tables.names.Integrations);
    await store.put(integration('i-2', { status: 'INACTIVE', statusReason: 'app-uninstalled' }));
    await tables.doc.send(
      new UpdateCommand({
        TableName: tables.names.Integrations,
        Key: { integrationId: 'i-2' },
        UpdateExpression: 'SET syncLease = :lease, lastSuccessfulSyncAt = :at, syncDueKey = :at',
        ExpressionAttributeValues: {
          ':lease': { runId: 'run-1', expiresAt: '2099-01-01T00:00:00.000Z' },
          ':at': '2026-05-01T00:00:00.000Z',
        },
      }),
    );

    // The caller read the item before the sync advanced the watermark.
    await store.put(integration('i-2', { lastSuccessfulSyncAt: '2026-04-01T00:00:00.000Z' }));

    expect(await raw('i-2')).toMatchObject({
      status: 'ACTIVE',
      activePartition: 'ACTIVE',
      syncLease: { runId: 'run-1' },
      lastSuccessfulSyncAt: '2026-05-01T00:00:00.000Z',
      syncDueKey: '2026-05-01T00:00:00.000Z',
    });
    expect(await raw('i-2')).not.toHaveProperty('statusReason');
  });

  it('finds integrations by shop domain in any case, active first', async () => {
    const store = createIntegrationStore(tables.doc, tables.names.Integrations);
    await store.put(
      integration('i-old', {
        shopDomain: 'dup.myshopify.com',
        status: 'INACTIVE',
        createdAt: '2025-01-01T00:00:00.000Z',
      }),
    );
    await store.put(integration('i-new', { shopDomain: 'dup.myshopify.com' }));
    const found = await store.findByShopDomain('DUP.myshopify.com');
    expect(found.map((i) => i.integrationId)).toEqual(['i-new', 'i-old']);
    expect(await store.findByShopDomain('nobody.myshopify.com')).toEqual([]);
  });
});
