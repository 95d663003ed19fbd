/**
 * `npm run backfill:shards -- --table <name> [--table <name>…]`: the backfill step of the move to
 * the sharded `updatedSince` index (docs/upgrading.md). Gives every record written before the
 * move its `updatedShard`, resumably (a checkpoint file per table) and idempotently; `--check`
 * only reports whether a table is ready for the read path to switch (its sharded index ACTIVE
 * and no record missing from it), exiting 1 when one is not.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import * as z from 'zod';
import { createDocumentClient, createDynamoDbClient } from '../lambdas/adapters/dynamodb/document-client.js';
import {
  backfillUpdatedShards,
  type BackfillCheckpoint,
  countUnsharded,
} from '../lambdas/adapters/dynamodb/updated-shard-backfill.js';
import { SHARDED_UPDATED_INDEX } from '../lambdas/adapters/dynamodb/updated-shards.js';
import { defineCommand, exitWithUsage, integerOption, parseCommandLine } from './support/command-line.js';

const command = defineCommand({
  usage: 'npm run backfill:shards -- --table <name> [--table <name>…] [options]',
  summary:
    "Gives the records written before the sharded updatedSince index their shard key, so the index holds them all before the read API switches to it (docs/upgrading.md). Resumable: each table's progress is saved after every page in --checkpoint-dir, and a rerun goes on from there. Idempotent: only records without the key are written. The resource tables' physical names: aws cloudformation describe-stack-resources --stack-name ShopifySync-<stage> --query \"StackResources[?ResourceType=='AWS::DynamoDB::Table'].PhysicalResourceId\" (the Customers, Orders and Products tables).",
  options: {
    table: {
      type: 'string',
      multiple: true,
      valueName: 'name',
      description: 'A resource table (physical name); repeat for each',
    },
    check: {
      type: 'boolean',
      default: false,
      description: 'Write nothing: report whether each table is ready to switch (exit 1 if one is not)',
    },
    segments: {
      type: 'string',
      valueName: 'n',
      default: '4',
      description: 'Parallel Scan segments (a resumed run must give the checkpoint’s number)',
    },
    'checkpoint-dir': {
      type: 'string',
      valueName: 'dir',
      default: '.backfill',
      description: 'Where each table’s progress is kept (<dir>/<table>.json)',
    },
    region: {
      type: 'string',
      valueName: 'region',
      description: 'AWS region (default: the standard chain’s)',
    },
    profile: { type: 'string', valueName: 'profile', description: 'AWS profile for the credentials' },
    endpoint: {
      type: 'string',
      valueName: 'url',
      description: 'DynamoDB endpoint (e.g. a DynamoDB Local at http://127.0.0.1:8000)',
    },
  },
  examples: [
    'npm run backfill:shards -- --table ShopifySync-prod-StorageOrdersTable1234 --profile prod',
    'npm run backfill:shards -- --table ShopifySync-prod-StorageOrdersTable1234 --check',
  ],
});

const values = parseCommandLine(command);
const tables = values.table ?? [];
if (tables.length === 0) exitWithUsage(command, 'Name at least one table with --table.');
const segments = integerOption(command, 'segments', values.segments, { min: 1, max: 64 });

const client = createDynamoDbClient({
  ...(values.region && { region: values.region }),
  ...(values.endpoint && { endpoint: values.endpoint }),
  ...(values.profile && { credentials: fromNodeProviderChain({ profile: values.profile }) }),
});
const doc = createDocumentClient(client);

const checkpointSchema = z.object({
  table: z.string(),
  positions: z.array(
    z.object({
      segment: z.number().int(),
      lastKey: z.record(z.string(), z.unknown()).optional(),
      done: z.boolean(),
    }),
  ),
});

/** One JSON file per table, replaced atomically (write, then rename) after every page. */
const fileCheckpoint = (table: string): BackfillCheckpoint => {
  const dir = values['checkpoint-dir'];
  const file = path.join(dir, `${table}.json`);
  return {
    async load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      const saved = checkpointSchema.parse(JSON.parse(text));
      if (saved.table !== table) throw new Error(`${file} belongs to table ${saved.table}`);
      return saved.positions;
    },
    async save(positions) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify({ table, positions }));
      renameSync(`${file}.tmp`, file);
    },
  };
};

/** Ready to switch: the sharded index exists and is ACTIVE (not still building), and no record lacks its key. */
const readiness = async (table: string) => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const index = Table?.GlobalSecondaryIndexes?.find(
    (candidate) => candidate.IndexName === SHARDED_UPDATED_INDEX,
  );
  const indexState = !index
    ? 'missing'
    : index.Backfilling
      ? 'BACKFILLING'
      : (index.IndexStatus ?? 'unknown');
  const missing = await countUnsharded(doc, table);
  return { indexState, missing, ready: indexState === 'ACTIVE' && missing === 0 };
};

let allReady = true;
for (const table of tables) {
  if (!values.check) {
    process.stderr.write(`${table}: backfilling (${segments} segments)\n`);
    const report = await backfillUpdatedShards(doc, table, {
      segments,
      checkpoint: fileCheckpoint(table),
      onPage: (progress) =>
        process.stderr.write(
          `${table}: ${progress.updated} updated, ${progress.skipped} already set, ${progress.segmentsDone}/${segments} segments done\n`,
        ),
    });
    process.stdout.write(
      `${table}: backfill complete: ${report.updated} updated, ${report.skipped} already set\n`,
    );
  }
  const state = await readiness(table);
  allReady &&= state.ready;
  process.stdout.write(
    `${table}: index ${SHARDED_UPDATED_INDEX} ${state.indexState}, ${state.missing} records without a shard key: ` +
      `${state.ready ? 'ready for updatedSinceIndex=reading-sharded' : 'NOT ready'}\n`,
  );
}
client.destroy();
process.exit(allReady ? 0 : 1);
