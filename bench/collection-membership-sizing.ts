/**
 * npx tsx bench/collection-membership-sizing.ts [--help]
 *
 * Where a collection's members belong, measured (docs/resources.md#collections): on DynamoDB
 * Local, through the real record store, it writes a collection holding 10, 1,000, 10,000 and
 * 25,000 product ids in its own item (the sync's write), then the `collections/update` webhook's
 * write of the same item (no members in the body), and reads it back; it prints the item's size
 * by DynamoDB's sizing rules and the write and read units DynamoDB reported. It then tries items
 * of 30,000 and 100,000 ids (over the 400 KB limit) and, for comparison, writes 1,000 members as
 * items of their own (one per collection and product). Env: DYNAMODB_LOCAL_PORT (default: a
 * free port).
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { meterCapacity } from '../lambdas/adapters/dynamodb/capacity-meter.js';
import { createTableInput } from '../lambdas/adapters/dynamodb/create-tables.js';
import { createDynamoDbClient } from '../lambdas/adapters/dynamodb/document-client.js';
import { createRecordStore } from '../lambdas/adapters/dynamodb/record-store.js';
import { resourceTable } from '../lambdas/adapters/dynamodb/table-definitions.js';
import { collectionsResource } from '../lambdas/resources/collections/index.js';
import type { CollectionRecord } from '../lambdas/resources/collections/record.js';
import { fromGraphql, fromWebhook } from '../lambdas/resources/collections/shopify/mapping.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';

if (process.argv.includes('--help')) {
  console.log(
    'Usage: npx tsx bench/collection-membership-sizing.ts\n\n' +
      'Measures a collection item with 10 to 100,000 product ids on DynamoDB Local (size, write and\n' +
      'read units, the 400 KB limit) against one item per membership. Env: DYNAMODB_LOCAL_PORT.',
  );
  process.exit(0);
}

const owner = {
  organizationId: 'org-5f2c9a4e-1b7d-4c3e-9a61-2d8f0b7e4c11',
  integrationId: 'int-8a3e6d10-4f5b-4e2a-b7c9-61d0e2f4a8b3',
  shopDomain: 'sizing-store.myshopify.com',
};
/** 13-digit ids, as Shopify's product ids are today. */
const productId = (n: number) => String(8_012_345_678_901 + n * 7);

/** DynamoDB's item size rules: names and values in UTF-8; numbers ~ digits/2 + 1; lists and maps 3 + 1 per element. */
const sizeOf = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + sizeOf(element), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>).reduce(
      (sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + sizeOf(element),
      0,
    )
  );
};
const itemBytes = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + sizeOf(value), 0);

const collectionWith = (members: number, collectionId: string): CollectionRecord =>
  fromGraphql(
    {
      id: `gid://shopify/Collection/${collectionId}`,
      title: 'Everything on sale this season',
      handle: 'everything-on-sale-this-season',
      sortOrder: 'BEST_SELLING',
      updatedAt: '2026-12-01T10:00:00Z',
      productsCount: { count: members, precision: 'EXACT' },
      products: {
        nodes: Array.from({ length: members }, (_, n) => ({ id: `gid://shopify/Product/${productId(n)}` })),
        pageInfo: { hasNextPage: false, endCursor: null },
      },
    },
    owner,
  );

const dynamo = await startDynamoDbLocal(
  process.env.DYNAMODB_LOCAL_PORT ? { port: Number(process.env.DYNAMODB_LOCAL_PORT) } : {},
);
try {
  const client: DynamoDBClient = createDynamoDbClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const meter = meterCapacity(client);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const table = 'sizing-Collections';
  await client.send(new CreateTableCommand(createTableInput(resourceTable(collectionsResource), table)));
  const store = createRecordStore<CollectionRecord>(doc, table);
  const units = async (write: () => Promise<unknown>) => {
    meter.reset();
    await write();
    const { writeUnits, readUnits } = meter.total();
    return { writeUnits, readUnits };
  };

  const rows = [];
  for (const members of [10, 1_000, 10_000, 25_000]) {
    const collectionId = String(400_000_000_000 + members);
    const record = collectionWith(members, collectionId);
    const sync = await units(() => store.upsert(record));
    const webhook = await units(() =>
      store.upsert(
        fromWebhook(
          {
            id: collectionId,
            admin_graphql_api_id: `gid://shopify/Collection/${collectionId}`,
            title: 'Everything on sale this season!',
            handle: 'everything-on-sale-this-season',
            sort_order: 'best-selling',
            updated_at: '2026-12-01T11:00:00Z',
          },
          owner,
        ),
      ),
    );
    const read = await units(() => store.get(owner.organizationId, collectionId));
    const stored = await store.get(owner.organizationId, collectionId);
    rows.push({
      members,
      itemKB: Math.round((itemBytes(record) / 1024) * 10) / 10,
      bytesPerMember: Math.round((itemBytes(record) / members) * 10) / 10,
      syncWriteUnits: sync.writeUnits,
      webhookWriteUnits: webhook.writeUnits,
      readUnits: read.readUnits,
      membersKept: stored?.productIds?.length ?? null,
    });
  }
  console.table(rows);

  for (const members of [30_000, 100_000]) {
    const record = {
      ...collectionWith(10, String(500_000_000_000 + members)),
      productIds: Array.from({ length: members }, (_, n) => productId(n)),
    };
    const bytes = itemBytes(record);
    const outcome = await doc.send(new PutCommand({ TableName: table, Item: record })).then(
      () => 'written',
      (error: Error) => `${error.name}: ${error.message}`,
    );
    console.log(`${members} ids in one item: ${Math.round(bytes / 1024)} KB -> ${outcome}`);
  }

  // The alternative: one item per (collection, product), keyed like an inventory level.
  const collectionId = '600000000000';
  const membership = await units(async () => {
    for (let n = 0; n < 1_000; n++) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...owner,
            shopifyId: `${collectionId}:${productId(n)}`,
            shopifyGid: `gid://shopify/Collection/${collectionId}`,
            collectionId,
            productId: productId(n),
            shopifyUpdatedAt: '2026-12-01T10:00:00.000Z',
            source: 'SHOPIFY',
            status: 'ACTIVE',
          },
        }),
      );
    }
  });
  console.log(
    `1,000 members as items of their own: ${membership.writeUnits} write units (${membership.writeUnits / 1_000} a member)`,
  );
} finally {
  await dynamo.stop();
}
