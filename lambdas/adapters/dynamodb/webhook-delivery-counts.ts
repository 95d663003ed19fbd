/**
 * Hourly webhook delivery counters, kept in the SyncRuns table beside the store's runs: same
 * partition (integrationId), sort keys no run id can take (`webhooks#<hour>` sorts after every
 * ULID and after `reconcile#…`, where the run listing stops). Each expires by TTL.
 *
 * One UpdateItem with ADD per write (core/webhooks/delivery-counts.ts batches a container's
 * deliveries): no read, no condition to fail, and concurrent containers add up instead of
 * overwriting each other.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DELIVERY_HOURS_RETENTION_DAYS,
  type DeliveryHour,
  type WebhookDeliveryCounts,
} from '../../core/webhooks/delivery-counts.js';

export const DELIVERY_HOURS_SORT_KEY_PREFIX = 'webhooks#';

export const createWebhookDeliveryCounts = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): WebhookDeliveryCounts => ({
  async addDeliveries(integrationId, hour, deliveries) {
    const expiresAt = Math.floor(Date.parse(hour) / 1000) + DELIVERY_HOURS_RETENTION_DAYS * 86_400;
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { integrationId, runId: `${DELIVERY_HOURS_SORT_KEY_PREFIX}${hour}` },
        UpdateExpression: 'ADD deliveries :deliveries SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeValues: { ':deliveries': deliveries, ':expiresAt': expiresAt },
      }),
    );
  },

  async hoursSince(integrationId, from) {
    const hours: DeliveryHour[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'integrationId = :id AND runId BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':id': integrationId,
            ':from': `${DELIVERY_HOURS_SORT_KEY_PREFIX}${from}`,
            // '~' sorts after every character of an ISO time.
            ':to': `${DELIVERY_HOURS_SORT_KEY_PREFIX}~`,
          },
          ProjectionExpression: 'runId, deliveries',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        hours.push({
          hour: String(item.runId).slice(DELIVERY_HOURS_SORT_KEY_PREFIX.length),
          deliveries: Number(item.deliveries ?? 0),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return hours;
  },
});
