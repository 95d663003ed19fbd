/**
 * The one DynamoDBDocumentClient factory: every repository marshals the same way (undefined
 * fields dropped, so optional record fields never become NULL by accident).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const createDocumentClient = (
  client: DynamoDBClient = new DynamoDBClient({}),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
