/**
 * A webhook write older than a version its store saw stored records only its receipt
 * (adapters/dynamodb/known-versions.ts): the outcomes and what is stored stay those of the
 * transaction it skips (record-writes.ts rules 1 and 5), on DynamoDB Local, as the webhook's
 * composition builds the store for inventory levels.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { recordStoreOf } from '../../../lambdas/handlers/mirror-stores.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { inventoryLevelsResource } from '../../../lambdas/resources/inventory-levels/index.js';
import type { InventoryLevelRecord } from '../../../lambdas/resources/inventory-levels/record.js';
import { localDynamoClient, useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();

const T1 = '2026-06-01T00:00:01.000Z';
const T2 = '2026-06-01T00:00:02.000Z';
const T3 = '2026-06-01T00:00:03.000Z';

const level = (organizationId: string, updatedAt: string, available: number): InventoryLevelRecord => ({
  organizationId,
  integrationId: `int-${organizationId}`,
  shopDomain: 'levels.myshopify.com',
  shopifyId: '4950:6150',
  shopifyGid: 'gid://shopify/InventoryLevel/6150?inventory_item_id=4950',
  source: 'SHOPIFY',
  inventoryItemId: '4950',
  locationId: '6150',
  available,
  shopifyUpdatedAt: updatedAt,
});

/** A store as the webhook's composition builds it, on a client that counts what it sends. */
const countingStore = () => {
  const sent: string[] = [];
  const client = localDynamoClient(tables.endpoint);
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push((context.commandName ?? '?').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize' },
  );
  const doc = createDocumentClient(client);
  return { levels: recordStoreOf(doc, tables.names, inventoryLevelsResource), sent, doc };
};

const receipt = () => ({ digest: randomUUID() });

describe('webhook writes older than a version seen stored', () => {
  it('record only their receipt: stale, one conditional Put, nothing else written; a replay anywhere is a duplicate', async () => {
    const { levels, sent } = countingStore();
    const org = `org-${randomUUID().slice(0, 8)}`;
    expect(await levels.upsert(level(org, T2, 5), receipt())).toBe('written');
    sent.length = 0;

    const older = receipt();
    expect(await levels.upsert(level(org, T1, 9), older)).toBe('stale');
    expect(sent).toEqual(['PutItem']);
    expect(await levels.get(org, '4950:6150')).toMatchObject({ available: 5, shopifyUpdatedAt: T2 });

    // Rule 5 holds: Shopify's retry, and the body replayed under another store, change nothing.
    expect(await levels.upsert(level(org, T1, 9), older)).toBe('duplicate');
    const other = `org-${randomUUID().slice(0, 8)}`;
    expect(await levels.upsert(level(other, T1, 9), older)).toBe('duplicate');
    expect(await levels.get(other, '4950:6150')).toBeUndefined();
  });

  it('never hold back a version as new as the one seen, or newer', async () => {
    const { levels, sent } = countingStore();
    const org = `org-${randomUUID().slice(0, 8)}`;
    expect(await levels.upsert(level(org, T2, 5), receipt())).toBe('written');
    sent.length = 0;
    expect(await levels.upsert(level(org, T2, 6), receipt())).toBe('written');
    expect(await levels.upsert(level(org, T3, 7), receipt())).toBe('written');
    expect(sent).toEqual(['TransactWriteItems', 'TransactWriteItems']);
    expect(await levels.get(org, '4950:6150')).toMatchObject({ available: 7, shopifyUpdatedAt: T3 });
  });

  it('learn the stored version from a condition another container made them lose', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const elsewhere = countingStore();
    expect(await elsewhere.levels.upsert(level(org, T3, 5), receipt())).toBe('written');

    const { levels, sent } = countingStore();
    expect(await levels.upsert(level(org, T2, 6), receipt())).toBe('stale');
    expect(await levels.upsert(level(org, T1, 7), receipt())).toBe('stale');
    // The first lost its transaction (and recorded its receipt); the second knew better.
    expect(sent).toEqual(['TransactWriteItems', 'PutItem', 'PutItem']);
    expect(await levels.get(org, '4950:6150')).toMatchObject({ available: 5, shopifyUpdatedAt: T3 });
  });

  it('are not remembered for records that can be redacted: a customer write always asks the table', async () => {
    const { doc, sent } = countingStore();
    const customers = recordStoreOf(doc, tables.names, customersResource);
    const org = `org-${randomUUID().slice(0, 8)}`;
    const customer = (updatedAt: string) => ({
      organizationId: org,
      integrationId: 'int-c',
      shopDomain: 'levels.myshopify.com',
      shopifyId: '7',
      shopifyGid: 'gid://shopify/Customer/7',
      source: 'SHOPIFY' as const,
      firstName: 'Ada',
      lastName: null,
      email: null,
      phone: null,
      state: 'ENABLED' as const,
      verifiedEmail: false,
      taxExempt: false,
      taxExemptions: [],
      note: null,
      defaultAddress: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      shopifyUpdatedAt: updatedAt,
    });
    expect(await customers.upsert(customer(T2), receipt())).toBe('written');
    expect(await customers.upsert(customer(T1), receipt())).toBe('stale');
    expect(sent).toEqual(['TransactWriteItems', 'TransactWriteItems', 'PutItem']);
  });
});
