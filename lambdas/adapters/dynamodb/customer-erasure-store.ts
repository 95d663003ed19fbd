/**
 * Erasure of customer data: compliance redaction (the item becomes a tombstone of ids) and
 * store purges (items deleted in BatchWriteItem chunks).
 *
 *   const erasure = createCustomerErasureStore(doc, tableName)
 *   erasure.redact({ organizationId, integrationId, shopDomain, shopifyId, redactedAt })
 *   erasure.deleteMany(keys)
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { customerGid } from '../../core/customers/customer-record.js';
import type { CustomerErasure, StoredCustomerRef } from '../../core/integrations/ports.js';
import { isConditionFailure } from './conditions.js';

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const createCustomerErasureStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): CustomerErasure => ({
  async redact({ organizationId, integrationId, shopDomain, shopifyId, redactedAt }) {
    try {
      // A whole-item Put, so no personal attribute can survive, whatever fields exist today or later.
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            organizationId,
            shopifyId,
            integrationId,
            shopDomain,
            shopifyGid: customerGid(shopifyId),
            source: 'SHOPIFY',
            status: 'REDACTED',
            redactedAt,
          },
          ConditionExpression: 'attribute_not_exists(redactedAt)',
        }),
      );
      return 'redacted';
    } catch (error) {
      if (isConditionFailure(error)) return 'already-redacted';
      throw error;
    }
  },

  async deleteMany(keys: readonly StoredCustomerRef[]) {
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
