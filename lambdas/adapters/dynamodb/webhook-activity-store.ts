import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebhookActivity } from '../../core/webhooks/webhook-activity.js';
import { integrationItemUpdate } from './integration-item.js';

/** `lastWebhookAt` on the Integrations item: one conditional UpdateItem, never backwards. */
export const createWebhookActivityStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): WebhookActivity => ({
  async recordWebhookAt(integrationId, at) {
    // a newer delivery already recorded: fine
    await integrationItemUpdate(doc, tableName)(integrationId, {
      UpdateExpression: 'SET lastWebhookAt = :at',
      ConditionExpression:
        'attribute_exists(integrationId) AND (attribute_not_exists(lastWebhookAt) OR lastWebhookAt < :at)',
      ExpressionAttributeValues: { ':at': at },
    });
  },
});
