import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { meterCapacity } from '../../../lambdas/adapters/dynamodb/capacity-meter.js';
import { describe, expect, it } from 'vitest';
import { createReconcileListingStore } from '../../../lambdas/adapters/dynamodb/reconcile-listing-store.js';
import { localDynamoClient, useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();

/** Every item the listing keeps for an integration (checkpoint and chunks). */
const listingItems = async (integrationId: string) => {
  const { Items = [] } = await tables.doc.send(
    new QueryCommand({
      TableName: tables.names.SyncRuns,
      KeyConditionExpression: 'integrationId = :id AND begins_with(runId, :prefix)',
      ExpressionAttributeValues: { ':id': integrationId, ':prefix': 'reconcile#' },
    }),
  );
  return Items;
};

const readAll = async (pages: AsyncIterable<string[]>) => {
  const ids: string[] = [];
  for await (const page of pages) ids.push(...page);
  return ids;
};

describe('the reconcile listing store', () => {
  it('stores one item per batch of ids, not one per id, and reads them back ascending as strings', async () => {
    const listings = createReconcileListingStore(tables.doc, tables.names.SyncRuns);
    const operation = 'gid://shopify/BulkOperation/77';
    // 2,500 ids in the file's numeric order, crossing from 12 to 13 digits (string order differs).
    const ids = Array.from({ length: 2_500 }, (_, n) => String(999_999_999_000 + n * 3));
    for (let line = 0; line < ids.length; line += 1000)
      await listings.addIds('int-chunks', 'customers', operation, ids.slice(line, line + 1000), line);

    const chunks = await listingItems('int-chunks');
    expect(chunks).toHaveLength(3);
    expect(await readAll(listings.ids('int-chunks', 'customers', operation))).toEqual([...ids].sort());
  });

  it('a batch stored again after a crash replaces itself', async () => {
    const listings = createReconcileListingStore(tables.doc, tables.names.SyncRuns);
    const operation = 'gid://shopify/BulkOperation/78';
    const batch = ['30', '10', '20'];
    await listings.addIds('int-again', 'customers', operation, batch, 0);
    await listings.addIds('int-again', 'customers', operation, batch, 0);
    await listings.addIds('int-again', 'customers', operation, ['40', '20'], 3);

    expect(await listingItems('int-again')).toHaveLength(2);
    expect(await readAll(listings.ids('int-again', 'customers', operation))).toEqual([
      '10',
      '20',
      '30',
      '40',
    ]);
  });

  it('keeps operations and resources apart', async () => {
    const listings = createReconcileListingStore(tables.doc, tables.names.SyncRuns);
    await listings.addIds('int-apart', 'customers', 'gid://shopify/BulkOperation/1', ['5', '6'], 0);
    await listings.addIds('int-apart', 'customers', 'gid://shopify/BulkOperation/2', ['7'], 0);
    await listings.addIds('int-apart', 'orders', 'gid://shopify/BulkOperation/1', ['8'], 0);

    expect(await readAll(listings.ids('int-apart', 'customers', 'gid://shopify/BulkOperation/1'))).toEqual([
      '5',
      '6',
    ]);
    expect(await readAll(listings.ids('int-apart', 'orders', 'gid://shopify/BulkOperation/1'))).toEqual([
      '8',
    ]);
    expect(await readAll(listings.ids('int-apart', 'orders', 'gid://shopify/BulkOperation/9'))).toEqual([]);
  });

  it('a batch of 1,000 ids is one write request of a few write units, as DynamoDB reports them', async () => {
    const client = localDynamoClient(tables.endpoint);
    const meter = meterCapacity(client);
    const listings = createReconcileListingStore(DynamoDBDocumentClient.from(client), tables.names.SyncRuns);
    const ids = Array.from({ length: 1000 }, (_, n) => String(7_000_000_000_000 + n * 11));
    await listings.addIds('int-metered', 'customers', 'gid://shopify/BulkOperation/5', ids, 0);

    const usage = meter.tables.get(tables.names.SyncRuns)!;
    // ~14 KB of ids: 1 KB per write unit.
    expect(usage).toMatchObject({ requests: 1, readUnits: 0 });
    expect(usage.writeUnits).toBeGreaterThanOrEqual(13);
    expect(usage.writeUnits).toBeLessThanOrEqual(16);
    client.destroy();
  });
});
