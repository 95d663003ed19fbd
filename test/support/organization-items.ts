/**
 * Reads of a mirror table that tests and the bench share. No vitest here: the bench's processes
 * import it too.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

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
    // The sharded index's key (`updatedShard`) is storage, not the mirrored record: the read API
    // does not show it either, so comparisons with the store leave it out.
    items.push(...(page.Items ?? []).map(({ updatedShard: _shard, ...item }) => item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
