import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, type TableNames, tableDefinitions } from './table-definitions.js';

const attributeDefinitions = (table: TableDefinition) => {
  const seen = new Map<string, string>();
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const key of keys) if (key) seen.set(key.name, key.type);
  return [...seen].map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType: AttributeType as 'S' | 'N',
  }));
};

const keySchema = (pk: { name: string }, sk?: { name: string }) => [
  { AttributeName: pk.name, KeyType: 'HASH' as const },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
];

export const createTableInput = (table: TableDefinition, tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: attributeDefinitions(table),
  KeySchema: keySchema(table.partitionKey, table.sortKey),
  ...(table.globalSecondaryIndexes.length > 0 && {
    GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection:
        index.projection?.type === 'INCLUDE'
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] }
          : { ProjectionType: index.projection?.type ?? 'ALL' },
    })),
  }),
});

/** Creates every table (idempotently) under the given names: used by the local runtime and the tests. */
export async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  for (const table of tableDefinitions as readonly TableDefinition[]) {
    const tableName = names[table.id as keyof TableNames];
    try {
      await client.send(new CreateTableCommand(createTableInput(table, tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    if (table.timeToLiveAttribute) {
      await client
        .send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
          }),
        )
        .catch(() => undefined); // already enabled
    }
  }
}

export async function deleteTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all(
    Object.values(names).map((TableName) =>
      client.send(new DeleteTableCommand({ TableName })).catch(() => undefined),
    ),
  );
}
