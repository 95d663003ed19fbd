import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTables, deleteTables } from '../../lambdas/adapters/dynamodb/create-tables.js';
import { createDynamoDbClient } from '../../lambdas/adapters/dynamodb/document-client.js';
import { type TableNames, tableNamesWithPrefix } from '../../lambdas/adapters/dynamodb/table-definitions.js';

export interface TestTables {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly names: TableNames;
}

export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  createDynamoDbClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });

/**
 * Gives the calling test file its own set of tables on the shared DynamoDB Local. The returned
 * object is filled in `beforeAll`, so read its fields inside tests, not at module load.
 */
export function useTestTables(): TestTables {
  const tables = {} as { -readonly [K in keyof TestTables]: TestTables[K] };
  beforeAll(async () => {
    tables.endpoint = inject('dynamoEndpoint');
    tables.client = localDynamoClient(tables.endpoint);
    tables.doc = DynamoDBDocumentClient.from(tables.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    tables.names = tableNamesWithPrefix(`t${randomUUID().slice(0, 8)}-`);
    await createTables(tables.client, tables.names);
  });
  afterAll(async () => {
    if (tables.client) {
      await deleteTables(tables.client, tables.names);
      tables.client.destroy();
    }
  });
  return tables;
}

/** Every item of one organization in a table, in key order (by Shopify id), read consistently. */
export async function organizationItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  organizationId: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'organizationId = :org',
        ExpressionAttributeValues: { ':org': organizationId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
