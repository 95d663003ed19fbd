/**
 * DynamoDB repository of integrations (connected stores).
 *
 * Stable API (webhook, sync and lifecycle code call it):
 *   const store = createIntegrationStore(doc, tableName)
 *   store.get(integrationId)              → Integration | undefined
 *   store.findByShopDomain(shopDomain)    → Integration[] (GSI byShopDomain, domain lower-cased;
 *                                           ACTIVE first, then oldest first)
 *   store.put(integration)                → void (the integration's profile; maintains the index
 *                                           attributes and never touches state other writers own)
 *   store.setStatus(id, status, reason)   → void (NotFoundError if absent)
 *
 * The sparse `activeBySyncDue` index is maintained here and nowhere else: `activePartition` is
 * present only while ACTIVE, `syncDueKey` always mirrors lastSuccessfulSyncAt (or NEVER_SYNCED).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
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

/** Written by the sync (lease, watermark) and lifecycle records: `put` only initialises them. */
const OWNED_ELSEWHERE = new Set([
  'syncDueKey',
  'lastSuccessfulSyncAt',
  'lastSyncRunId',
  'syncWatermarks',
  'resourceAttention',
  'grantedScopes',
  'missingScopes',
  'syncLease',
  'lastReconciledAt',
  'resourceReconciledAt',
  'countMismatch',
  'webhookHealth',
  'lastWebhookAt',
  'healedBySync',
  'lastHealedAt',
]);

/** Attributes `put` removes when the new profile lacks them (e.g. a reconnect clears uninstalledAt). */
const PROFILE_ATTRIBUTES = [
  'activePartition',
  'statusReason',
  'uninstalledAt',
  'uninstallClaimedAt',
  'redactedAt',
  'encryptedWebhookSecret',
  'encryptedAccessToken',
] as const;

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
    const pages = paginateQuery(
      { client: doc },
      {
        TableName: tableName,
        IndexName: 'byShopDomain',
        KeyConditionExpression: 'shopDomain = :shopDomain',
        ExpressionAttributeValues: { ':shopDomain': shopDomain.toLowerCase() },
      },
    );
    for await (const page of pages) found.push(...(page.Items ?? []).map(fromItem));
    return found.sort(byPreference);
  },

  async put(integration) {
    // Not a whole-item Put: a reconnect racing a running sync would drop its lease or move the
    // watermark back. Profile attributes are set (or removed when absent); attributes owned by
    // the sync and the lifecycle records are only initialised.
    const item = toItem(integration) as Record<string, unknown>;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    let n = 0;
    const attribute = (name: string) => {
      const alias = `#a${n++}`;
      names[alias] = name;
      return alias;
    };
    for (const [name, value] of Object.entries(item)) {
      if (name === 'integrationId' || value === undefined) continue;
      const alias = attribute(name);
      values[`:${alias.slice(1)}`] = value;
      sets.push(
        OWNED_ELSEWHERE.has(name)
          ? `${alias} = if_not_exists(${alias}, :${alias.slice(1)})`
          : `${alias} = :${alias.slice(1)}`,
      );
    }
    for (const name of PROFILE_ATTRIBUTES) if (item[name] === undefined) removes.push(attribute(name));
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { integrationId: integration.integrationId },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
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
