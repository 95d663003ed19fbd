/**
 * Digests of processed webhook bodies (core/webhooks/replay-guard.ts), in the Idempotency table
 * under `delivery#<digest>` with the table's TTL attribute. `receiptPut` is the same item as a
 * conditional Put, so a write can record its receipt in the same transaction (record-store.ts):
 * one round trip instead of a check, a write and a record.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type TransactWritePut,
} from '@aws-sdk/lib-dynamodb';
import { REPLAY_WINDOW_SECONDS, type ProcessedDeliveries } from '../../core/webhooks/replay-guard.js';
import { isConditionFailure } from './conditions.js';
import { idempotencyTable } from './table-definitions.js';

export interface ReceiptTable {
  readonly tableName: string;
  readonly ttlSeconds?: number;
}

const receiptKey = (digest: string) => ({ [idempotencyTable.partitionKey.name]: `delivery#${digest}` });

/**
 * A Put of the receipt that fails if the body was already processed. DynamoDB deletes expired
 * items lazily, so an item past its TTL counts as absent.
 */
export const receiptPut = (
  { tableName, ttlSeconds = REPLAY_WINDOW_SECONDS }: ReceiptTable,
  digest: string,
): TransactWritePut => {
  const now = Math.floor(Date.now() / 1000);
  return {
    TableName: tableName,
    Item: { ...receiptKey(digest), [idempotencyTable.timeToLiveAttribute]: now + ttlSeconds },
    ConditionExpression: 'attribute_not_exists(#key) OR #expires < :now',
    ExpressionAttributeNames: {
      '#key': idempotencyTable.partitionKey.name,
      '#expires': idempotencyTable.timeToLiveAttribute,
    },
    ExpressionAttributeValues: { ':now': now },
  };
};

export const createProcessedDeliveries = (
  doc: DynamoDBDocumentClient,
  table: ReceiptTable,
): ProcessedDeliveries => ({
  async has(digest) {
    const { Item } = await doc.send(
      new GetCommand({ TableName: table.tableName, Key: receiptKey(digest), ConsistentRead: true }),
    );
    const expiresAt: unknown = Item?.[idempotencyTable.timeToLiveAttribute];
    return typeof expiresAt === 'number' && expiresAt > Date.now() / 1000;
  },
  async add(digest) {
    try {
      await doc.send(new PutCommand(receiptPut(table, digest)));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },
});
