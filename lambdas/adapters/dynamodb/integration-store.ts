/**
 * DynamoDB repository of integrations (connected stores).
 *
 * Stable API (webhook, sync and lifecycle code call it):
 *   const store = createIntegrationStore(doc, tableName)
 *   store.get(integrationId)              → Integration | undefined
 *   store.findByShopDomain(shopDomain)    → Integration[] (GSI byShopDomain, domain lower-cased;
 *                                           ACTIVE first, then oldest first)
 *   store.put(integration)                → void (whole item; maintains the index attributes)
 *   store.setStatus(id, status, reason)   → void (NotFoundError if absent)
 *
 * The sparse `activeBySyncDue` index is maintained here and nowhere else: `activePartition` is
 * present only while ACTIVE, `syncDueKey` always mirrors lastSuccessfulSyncAt (or NEVER_SYNCED).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  ACTIVE_PARTITION,
  type Integration,
  type IntegrationStatus,
  NEVER_SYNCED,
} from '../../core/integrations/integration.js';
import { NotFoundError } from '../../core/errors.js';
import { isConditionFailure } from './conditions.js';

export interface IntegrationStore {
  get(integrationId: string): Promise<Integration | undefined>;
  findByShopDomain(shopDomain: string): Promise<Integration[]>;
  put(integration: Integration): Promise<void>;
  setStatus(integrationId: string, status: IntegrationStatus, reason?: string): Promise<void>;
}

const INDEX_ATTRIBUTES = ['activePartition', 'syncDueKey'] as const;

const toItem = (integration: Integration) => ({
  ...integration,
  shopDomain: integration.shopDomain.toLowerCase(),
  activePartition: integration.status === 'ACTIVE' ? ACTIVE_PARTITION : undefined,
  syncDueKey: integration.lastSuccessfulSyncAt ?? NEVER_SYNCED,
});

const fromItem = (item: Record<string, unknown>): Integration => {
  const copy = { ...item };
  for (const attribute of INDEX_ATTRIBUTES) delete copy[attribute];
  return copy as unknown as Integration;
};

const byPreference = (a: Integration, b: Integration): number =>
  Number(b.status === 'ACTIVE') - Number(a.status === 'ACTIVE') || a.createdAt.localeCompare(b.createdAt);

export const createIntegrationStore = (doc: DynamoDBDocumentClient, tableName: string): IntegrationStore => ({
  async get(integrationId) {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { integrationId } }));
    return Item ? fromItem(Item) : undefined;
  },

  async findByShopDomain(shopDomain) {
    const found: Integration[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'byShopDomain',
          KeyConditionExpression: 'shopDomain = :shopDomain',
          ExpressionAttributeValues: { ':shopDomain': shopDomain.toLowerCase() },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort(byPreference);
  },

  async put(integration) {
    await doc.send(new PutCommand({ TableName: tableName, Item: toItem(integration) }));
  },

  async setStatus(integrationId, status, reason) {
    const active = status === 'ACTIVE';
    const sets = ['#status = :status', 'updatedAt = :now'];
    const removes: string[] = [];
    if (reason === undefined) removes.push('statusReason');
    else sets.push('statusReason = :reason');
    if (active) sets.push('activePartition = :partition');
    else removes.push('activePartition');
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { integrationId },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(integrationId)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':now': new Date().toISOString(),
            ...(reason === undefined ? {} : { ':reason': reason }),
            ...(active ? { ':partition': ACTIVE_PARTITION } : {}),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`Integration ${integrationId}`);
      throw error;
    }
  },
});
