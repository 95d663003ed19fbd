/**
 * Reads of a mirror table that tests and the bench share. No vitest here: the bench's processes
 * import it too.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { withoutStorageAttributes } from '../../lambdas/adapters/dynamodb/storage-attributes.js';

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
    // Storage attributes (the sharded index's key, `partsSeenAt`) are not the mirrored record: the
    // read API does not show them either, so comparisons with the store leave them out.
    items.push(...(page.Items ?? []).map(withoutStorageAttributes));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
