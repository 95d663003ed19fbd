import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { landed } from './conditions.js';

/** An UpdateItem's expressions: what it sets or removes, on which condition, with which values. */
export type ItemUpdate = Omit<UpdateCommandInput, 'TableName' | 'Key'>;

/**
 * One conditional UpdateItem on an integration's item (the Integrations table). The stores that
 * keep their part of an integration there (its sync state, credential, scopes, lifecycle, webhook
 * activity) write through this; it answers false when the condition does not hold, which for
 * each of them is an outcome (the lease is another's, the integration is gone), not an error.
 */
export const integrationItemUpdate =
  (doc: DynamoDBDocumentClient, tableName: string) =>
  (integrationId: string, update: ItemUpdate): Promise<boolean> =>
    landed(doc.send(new UpdateCommand({ TableName: tableName, Key: { integrationId }, ...update })));
