/**
 * Erasure of personal data in one resource's table: compliance redaction (a customer becomes a
 * tombstone of ids; an order loses its personal fields) and store purges (items deleted in
 * BatchWriteItem chunks).
 *
 *   const erasure = createRecordErasureStore(doc, tableName, definition)
 *   erasure.redact({ organizationId, integrationId, shopDomain, shopifyId, redactedAt })
 *   erasure.deleteMany(keys)
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { gidOf } from '../../resources/kit/mirrored-record.js';
import type { ResourceDefinition } from '../../resources/kit/definition.js';
import type { RecordErasure, StoredRecordRef } from '../../core/integrations/ports.js';
import { isConditionFailure } from './conditions.js';

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const createRecordErasureStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  definition: Pick<ResourceDefinition<unknown>, 'gidType' | 'personalData'>,
): RecordErasure => ({
  async redact({ organizationId, integrationId, shopDomain, shopifyId, redactedAt }) {
    const ids = {
      organizationId,
      shopifyId,
      integrationId,
      shopDomain,
      shopifyGid: gidOf(definition.gidType, shopifyId),
      source: 'SHOPIFY',
    };
    try {
      if (definition.personalData === 'record') {
        // A whole-item Put, so no personal attribute can survive, whatever fields exist today or later.
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...ids, status: 'REDACTED', redactedAt },
            ConditionExpression: 'attribute_not_exists(redactedAt)',
          }),
        );
      } else {
        // The record stays (an order's totals are the merchant's, not the customer's); its personal
        // fields go. An order never stored gets a tombstone, so no later write brings them in.
        const names = Object.fromEntries(definition.personalData.map((field, i) => [`#p${i}`, field]));
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { organizationId, shopifyId },
            UpdateExpression:
              'SET #status = :redacted, redactedAt = :redactedAt, integrationId = :integrationId, ' +
              'shopDomain = :shopDomain, shopifyGid = :gid, #source = :source' +
              (definition.personalData.length > 0 ? ` REMOVE ${Object.keys(names).join(', ')}` : ''),
            ConditionExpression: 'attribute_not_exists(redactedAt)',
            ExpressionAttributeNames: { ...names, '#status': 'status', '#source': 'source' },
            ExpressionAttributeValues: {
              ':redacted': 'REDACTED',
              ':redactedAt': redactedAt,
              ':integrationId': integrationId,
              ':shopDomain': shopDomain,
              ':gid': ids.shopifyGid,
              ':source': 'SHOPIFY',
            },
          }),
        );
      }
      return 'redacted';
    } catch (error) {
      if (isConditionFailure(error)) return 'already-redacted';
      throw error;
    }
  },

  async deleteMany(keys: readonly StoredRecordRef[]) {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += BATCH_SIZE) {
      let requests = keys.slice(start, start + BATCH_SIZE).map(({ organizationId, shopifyId }) => ({
        DeleteRequest: { Key: { organizationId, shopifyId } },
      }));
      const size = requests.length;
      for (let attempt = 1; requests.length > 0; attempt += 1) {
        if (attempt > MAX_BATCH_ATTEMPTS)
          throw new Error(`BatchWriteItem left ${requests.length} deletes unprocessed`);
        const { UnprocessedItems } = await doc.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
        // Unprocessed items mean throttling: back off before asking again.
        if (requests.length > 0) await pause(Math.min(2_000, 50 * 2 ** attempt));
      }
      deleted += size;
    }
    return deleted;
  },
});
