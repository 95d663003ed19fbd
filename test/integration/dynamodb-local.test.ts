import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { tableDefinitions } from '../../lambdas/adapters/dynamodb/table-definitions.js';
import { PortInUseError, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { useTestTables } from '../support/dynamo.js';

const tables = useTestTables();

describe('DynamoDB Local harness', () => {
  it('creates every table with the keys and indexes of the shared definitions', async () => {
    for (const definition of tableDefinitions) {
      const { Table } = await tables.client.send(
        new DescribeTableCommand({ TableName: tables.names[definition.id] }),
      );
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: definition.partitionKey.name, KeyType: 'HASH' });
      expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
        definition.globalSecondaryIndexes.map((i) => i.indexName).sort(),
      );
    }
  });

  it('enforces condition expressions like the real service', async () => {
    const item = { organizationId: 'org-1', shopifyId: '1', shopifyUpdatedAt: '2026-01-01T00:00:00.000Z' };
    const TableName = tables.names.Customers;
    await tables.doc.send(new PutCommand({ TableName, Item: item }));
    await expect(
      tables.doc.send(
        new PutCommand({
          TableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(organizationId)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const { Item } = await tables.doc.send(
      new GetCommand({ TableName, Key: { organizationId: 'org-1', shopifyId: '1' } }),
    );
    expect(Item).toEqual(item);
  });

  it('refuses to start on a port where another DynamoDB answers, instead of reusing its data', async () => {
    const taken = Number(new URL(inject('dynamoEndpoint')).port);
    const attempt = startDynamoDbLocal({ port: taken });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toMatchObject({ port: taken, service: 'DynamoDB Local' });
  });
});
