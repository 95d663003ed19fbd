import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export { organizationItems } from './organization-items.js';
