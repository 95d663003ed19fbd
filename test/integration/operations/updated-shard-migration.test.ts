/**
 * The move of an existing deployment to the sharded `updatedSince` index, on DynamoDB Local, as
 * docs/upgrading.md has the operator do it: a table of the old shape with records written by the
 * old release, the sharded index added beside the old one, live writes of the new release, the
 * backfill (interrupted and resumed, then run again), and the read path switched.
 *
 * This file starts its own DynamoDB Local. While DynamoDB Local builds an index added by
 * UpdateTable, it already reports the index ACTIVE, yet fails every write to its (one, shared,
 * in-memory) database with InternalFailure, for as long as the build takes: half a second here
 * when idle, far longer on a loaded machine; and the SDK's five attempts give up inside that.
 * Real DynamoDB takes writes while it backfills an index. On the suite's shared instance, the
 * other test files' traffic made the build slow enough (or never finish) to fail this file.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableInput } from '../../../lambdas/adapters/dynamodb/create-tables.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { createRecordQueryStore } from '../../../lambdas/adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { resourceTable } from '../../../lambdas/adapters/dynamodb/table-definitions.js';
import {
  backfillUpdatedShards,
  type BackfillCheckpoint,
  countUnsharded,
  type SegmentPosition,
} from '../../../lambdas/adapters/dynamodb/updated-shard-backfill.js';
import { SHARDED_UPDATED_INDEX } from '../../../lambdas/adapters/dynamodb/updated-shards.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { toRecord } from '../../../lambdas/resources/kit/mirrored-record.js';
import type { ListRecordsRequest, RecordQueries } from '../../../lambdas/core/read-api/record-listing.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb-local.js';
import { localDynamoClient } from '../../support/dynamo.js';

const tableName = `t${randomUUID().slice(0, 8)}-MigratingCustomers`;
let dynamo: DynamoDbLocal | undefined;
let client: ReturnType<typeof localDynamoClient>;
let doc: ReturnType<typeof createDocumentClient>;
const orgs = ['org-a', 'org-b'] as const;
const OLD_RECORDS = 150;

const record = (org: string, n: number, updatedAt: string, firstName = `C${n}`): CustomerRecord =>
  toRecord<CustomerRecord>(
    'Customer',
    {
      shopifyId: String(9_100_000_000_000n + BigInt(n)),
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
    { organizationId: org, integrationId: `int-${org}`, shopDomain: `${org}.myshopify.com` },
  );
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString();

/** Every page of one listing, read through a port (no HTTP: the read path is what is switched). */
const listAll = async (queries: RecordQueries, request: Omit<ListRecordsRequest, 'limit'>) => {
  const ids: string[] = [];
  let next: Pick<ListRecordsRequest, 'startAfter' | 'startAfterRanges'> = {};
  for (let pages = 0; pages < 200; pages += 1) {
    const page = await queries.listRecords({ ...request, ...next, limit: 13 });
    ids.push(...page.items.map((item) => item.shopifyId));
    if (page.lastRanges) next = { startAfterRanges: page.lastRanges };
    else if (page.lastKey) next = { startAfter: page.lastKey };
    else return ids;
  }
  throw new Error('the listing did not end');
};

/** A checkpoint kept in memory, whose `failAfter`-th save fails as a crashed run would. */
const memoryCheckpoint = (failAfter = Infinity) => {
  let saved: readonly SegmentPosition[] | undefined;
  let saves = 0;
  const checkpoint: BackfillCheckpoint = {
    load: async () => saved,
    save: async (positions) => {
      saves += 1;
      if (saves >= failAfter) throw new Error('the run stopped here');
      saved = positions;
    },
  };
  const resumed: BackfillCheckpoint = {
    load: async () => saved,
    save: async (positions) => {
      saved = positions;
    },
  };
  return { checkpoint, resumed };
};

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = localDynamoClient(dynamo.endpoint);
  doc = createDocumentClient(client);
  // The old release's table: the one-key-per-organization index only.
  await client.send(
    new CreateTableCommand(createTableInput(resourceTable(customersResource, 'unsharded'), tableName)),
  );
  // The old release's writes: no `updatedShard`.
  for (const org of orgs)
    for (let n = 0; n < OLD_RECORDS; n += 1)
      await doc.send(
        new PutCommand({ TableName: tableName, Item: { ...record(org, n, at(n % 20)), status: 'ACTIVE' } }),
      );
});

afterAll(async () => {
  if (client) {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
  }
  await dynamo?.stop();
});

/**
 * Until the table's indexes are ACTIVE (CloudFormation's wait), and DynamoDB Local has built the
 * added one: it reports ACTIVE at once, but answers a query on the index only when the build is
 * done (writes meanwhile fail, see the top of this file).
 */
const untilIndexesActive = async (table: string, added: { name: string; key: string }) => {
  for (let attempt = 0; ; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const building = (Table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
    if (!building || attempt >= 300) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: added.name,
      KeyConditionExpression: '#key = :key',
      ExpressionAttributeNames: { '#key': added.key },
      ExpressionAttributeValues: { ':key': 'org-a#0' },
      Limit: 1,
    }),
  );
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  return Table;
};

describe('moving a deployment to the sharded updatedSince index', () => {
  it('adds the index beside the old one, backfills resumably and idempotently, and the switched read path lists the same records', async () => {
    // Step adding-sharded: the index is added, as CloudFormation does, beside the old one.
    const sharded = resourceTable(customersResource, 'adding-sharded').globalSecondaryIndexes.find(
      (index) => index.indexName === SHARDED_UPDATED_INDEX,
    )!;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: sharded.partitionKey.name, AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: sharded.indexName,
              KeySchema: [
                { AttributeName: sharded.partitionKey.name, KeyType: 'HASH' },
                { AttributeName: sharded.sortKey!.name, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    // As CloudFormation does, the deploy goes on once the new index is ACTIVE.
    const Table = await untilIndexesActive(tableName, {
      name: sharded.indexName,
      key: sharded.partitionKey.name,
    });
    expect(Table?.GlobalSecondaryIndexes?.every((index) => index.IndexStatus === 'ACTIVE')).toBe(true);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      ['byIntegration', 'byOrganizationShardUpdatedAt', 'byOrganizationUpdatedAt'].sort(),
    );

    // The new release writes while the backfill has not run: 20 updates of old records, 10 new ones.
    const live = createRecordStore<CustomerRecord>(doc, tableName);
    await live.upsertMany([
      ...Array.from({ length: 20 }, (_, n) => record('org-a', n * 7, at(30), `live-${n}`)),
      ...Array.from({ length: 10 }, (_, n) => record('org-b', OLD_RECORDS + n, at(31))),
    ]);
    expect(await countUnsharded(doc, tableName)).toBe(2 * OLD_RECORDS - 20);

    // Before the backfill, the sharded listing misses the old records: why the read path waits.
    const shardedReads = createRecordQueryStore(doc, tableName, { updatedSinceIndex: 'sharded' });
    const oldReads = createRecordQueryStore(doc, tableName, { updatedSinceIndex: 'unsharded' });
    expect(await listAll(shardedReads, { organizationId: 'org-a', updatedSince: at(0) })).toHaveLength(20);

    // The backfill stops after a few pages, then resumes from its checkpoint and finishes.
    const { checkpoint, resumed: resumedCheckpoint } = memoryCheckpoint(4);
    await expect(
      backfillUpdatedShards(doc, tableName, { segments: 3, pageSize: 25, checkpoint }),
    ).rejects.toThrow('the run stopped here');
    const resumed = await backfillUpdatedShards(doc, tableName, {
      segments: 3,
      pageSize: 25,
      checkpoint: resumedCheckpoint,
    });
    expect(resumed.segmentsDone).toBe(3);
    expect(await countUnsharded(doc, tableName)).toBe(0);
    // A resumed run does not start over: it found fewer than all the records still missing the key.
    expect(resumed.found).toBeLessThan(2 * OLD_RECORDS - 20);

    // Run again from scratch: nothing left to write.
    const again = await backfillUpdatedShards(doc, tableName, { segments: 2 });
    expect(again).toMatchObject({ found: 0, updated: 0, segmentsDone: 2 });

    // Step reading-sharded: both read paths list exactly the same records, each once, per organization.
    for (const org of orgs) {
      const viaShards = await listAll(shardedReads, { organizationId: org, updatedSince: at(0) });
      const viaOld = await listAll(oldReads, { organizationId: org, updatedSince: at(0) });
      expect(new Set(viaShards).size).toBe(viaShards.length);
      expect([...viaShards].sort()).toEqual([...viaOld].sort());
      expect(viaShards).toHaveLength(org === 'org-a' ? OLD_RECORDS : OLD_RECORDS + 10);
    }
  });

  it('a client paging across the switch goes on from its old cursor and misses nothing', async () => {
    const oldReads = createRecordQueryStore(doc, tableName, { updatedSinceIndex: 'unsharded' });
    const shardedReads = createRecordQueryStore(doc, tableName, { updatedSinceIndex: 'sharded' });
    const request = { organizationId: 'org-b', updatedSince: at(0) };
    const first = await oldReads.listRecords({ ...request, limit: 40 });
    expect(first.lastKey).toBeDefined();
    // The old cursor (one index key) given to the sharded read path, then its own cursors.
    const rest: string[] = [];
    let page = await shardedReads.listRecords({ ...request, limit: 30, startAfter: first.lastKey! });
    rest.push(...page.items.map((item) => item.shopifyId));
    while (page.lastRanges) {
      page = await shardedReads.listRecords({ ...request, limit: 30, startAfterRanges: page.lastRanges });
      rest.push(...page.items.map((item) => item.shopifyId));
    }
    const all = await listAll(oldReads, request);
    const seen = new Set([...first.items.map((item) => item.shopifyId), ...rest]);
    expect([...seen].sort()).toEqual([...all].sort());
    // At most the records sharing the old cursor's update time come twice.
    const lastTime = first.items.at(-1)!.shopifyUpdatedAt;
    const sharingIt = first.items.filter((item) => item.shopifyUpdatedAt === lastTime).length;
    expect(first.items.length + rest.length - all.length).toBeLessThanOrEqual(sharingIt);
  });
});
