/**
 * Lifecycle records of integrations that the plain repository (integration-store.ts) does not
 * cover: shop ownership claims, per-organization listing, the active listing, and targeted
 * updates of lifecycle fields. Status changes (and with them the sparse index attributes) stay
 * with integration-store's setStatus.
 *
 * Two kinds of helper items share the Integrations table. Neither carries `shopDomain`,
 * `organizationId` or `activePartition`, so neither appears in any index:
 * - `shop-claim#<domain>`: which organization owns a shop. A conditional write makes
 *   connecting race-safe: two organizations connecting one shop at once get one winner and one 409.
 * - `purges#pending`: a string set of integration ids whose purge continues later.
 * Every helper key holds a `#`, which no integration id may contain (connect-request.ts).
 */
import { credentialItemAttributes } from './credential-store.js';
import { integrationItemUpdate } from './integration-item.js';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors.js';
import {
  ACTIVE_PARTITION,
  type Integration,
  type WebhookHealth,
} from '../../core/integrations/integration.js';
import type { IntegrationLifecycleRecords } from '../../core/integrations/ports.js';
import { isConditionFailure, landed } from './conditions.js';

const claimKey = (shopDomain: string) => ({ integrationId: `shop-claim#${shopDomain.toLowerCase()}` });
/**
 * Present once any store was connected with a webhook secret of its own: until then, the webhook
 * path refuses a body the app secret does not sign without looking anything up.
 */
export const OWN_WEBHOOK_SECRETS_KEY = 'webhook-secrets#own-in-use';

/** '#' is outside every integration id's alphabet: no path can address this item. */
const PENDING_PURGES_KEY = { integrationId: 'purges#pending' };

const fromItem = (item: Record<string, unknown>): Integration => {
  const { activePartition: _partition, syncDueKey: _due, ...integration } = item;
  return integration as unknown as Integration;
};

export const createIntegrationLifecycleStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): IntegrationLifecycleRecords => {
  const updateIf = integrationItemUpdate(doc, tableName);
  /** Updates an existing integration only: a lifecycle write must never create a partial item. */
  const updateExisting = async (
    integrationId: string,
    expression: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ) => {
    // Not landed when the integration is gone: there is nothing left to record on.
    await updateIf(integrationId, {
      UpdateExpression: expression,
      ConditionExpression: 'attribute_exists(organizationId)',
      ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
      ...(names && { ExpressionAttributeNames: names }),
    });
  };

  return {
    async claimShop(shopDomain, organizationId, proposedIntegrationId) {
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: claimKey(shopDomain),
            UpdateExpression:
              'SET ownerOrganizationId = :org, ownerIntegrationId = if_not_exists(ownerIntegrationId, :id), ' +
              'claimedAt = if_not_exists(claimedAt, :now)',
            ConditionExpression: 'attribute_not_exists(ownerOrganizationId) OR ownerOrganizationId = :org',
            ExpressionAttributeValues: {
              ':org': organizationId,
              ':id': proposedIntegrationId,
              ':now': new Date().toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return String(Attributes?.['ownerIntegrationId']);
      } catch (error) {
        if (isConditionFailure(error))
          throw new ConflictError('This shop is already connected by another organization');
        throw error;
      }
    },

    async releaseShopClaim(shopDomain, integrationId) {
      // Not landed when already released, or claimed since by a newer integration: leave that one alone.
      await landed(
        doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: claimKey(shopDomain),
            ConditionExpression: 'ownerIntegrationId = :id',
            ExpressionAttributeValues: { ':id': integrationId },
          }),
        ),
      );
    },

    async listByOrganization(organizationId) {
      const found: Integration[] = [];
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: tableName,
          IndexName: 'byOrganization',
          KeyConditionExpression: 'organizationId = :org',
          ExpressionAttributeValues: { ':org': organizationId },
        },
      );
      for await (const page of pages) found.push(...(page.Items ?? []).map(fromItem));
      return found;
    },

    async *listActive() {
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: tableName,
          IndexName: 'activeBySyncDue',
          KeyConditionExpression: 'activePartition = :active',
          ExpressionAttributeValues: { ':active': ACTIVE_PARTITION },
        },
      );
      for await (const page of pages) {
        // The index is eventually consistent: re-check the status it was selected for.
        const active = (page.Items ?? [])
          .map(fromItem)
          .filter((integration) => integration.status === 'ACTIVE');
        if (active.length > 0) yield active;
      }
    },

    async *listWithWebhookSecret() {
      // Daily, and the table holds one item per store (plus short-lived install states).
      const pages = paginateScan(
        { client: doc },
        { TableName: tableName, FilterExpression: 'attribute_exists(encryptedWebhookSecret)' },
      );
      for await (const page of pages) {
        const found = (page.Items ?? []).map(fromItem);
        if (found.length > 0) yield found;
      }
    },

    async resealWebhookSecret(integrationId, previous, next) {
      // Not landed when replaced or erased meanwhile: what is there now was sealed by its writer.
      await updateIf(integrationId, {
        UpdateExpression: 'SET encryptedWebhookSecret = :next',
        ConditionExpression: 'encryptedWebhookSecret = :previous',
        ExpressionAttributeValues: { ':next': next, ':previous': previous },
      });
    },

    async recordWebhookHealth(integrationId, health: WebhookHealth) {
      await updateExisting(integrationId, 'SET webhookHealth = :health', { ':health': health });
    },

    async recordUninstalled(integrationId, uninstalledAt) {
      // The first uninstall time is kept when Shopify redelivers.
      await updateExisting(integrationId, 'SET uninstalledAt = if_not_exists(uninstalledAt, :at)', {
        ':at': uninstalledAt,
      });
    },

    async recordUninstallClaim(integrationId, claimedAt) {
      // A due key below every ISO time: the next fan-out picks the store up and asks Shopify.
      await updateExisting(
        integrationId,
        'SET uninstallClaimedAt = if_not_exists(uninstallClaimedAt, :at), syncDueKey = :due',
        { ':at': claimedAt, ':due': '0' },
      );
    },

    async eraseAccessToken(integrationId) {
      await updateExisting(integrationId, 'REMOVE encryptedAccessToken', {});
    },

    async eraseCredentials(integrationId, redactedAt) {
      await updateExisting(
        integrationId,
        // Every credential field goes (refresh token and client secret too), and any refresh lease.
        `SET redactedAt = if_not_exists(redactedAt, :at) REMOVE encryptedWebhookSecret, ${credentialItemAttributes.join(', ')}`,
        { ':at': redactedAt },
      );
    },

    async recordReconcile(integrationId, { reconciledAt, resource, countMismatch }) {
      // The maps first (a nested SET needs its parent), then this resource's entries.
      await updateExisting(
        integrationId,
        'SET lastReconciledAt = :at, countMismatch = if_not_exists(countMismatch, :empty), ' +
          'resourceReconciledAt = if_not_exists(resourceReconciledAt, :empty)',
        { ':at': reconciledAt, ':empty': {} },
      );
      await (countMismatch
        ? updateExisting(
            integrationId,
            'SET resourceReconciledAt.#resource = :at, countMismatch.#resource = :mismatch',
            { ':at': reconciledAt, ':mismatch': countMismatch },
            { '#resource': resource },
          )
        : updateExisting(
            integrationId,
            'SET resourceReconciledAt.#resource = :at REMOVE countMismatch.#resource',
            { ':at': reconciledAt },
            { '#resource': resource },
          ));
    },

    async recordOwnWebhookSecretInUse() {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { integrationId: OWN_WEBHOOK_SECRETS_KEY },
          UpdateExpression: 'SET since = if_not_exists(since, :now)',
          ExpressionAttributeValues: { ':now': new Date().toISOString() },
        }),
      );
    },

    async addPendingPurge(integrationId) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: PENDING_PURGES_KEY,
          UpdateExpression: 'ADD integrationIds :ids',
          ExpressionAttributeValues: { ':ids': new Set([integrationId]) },
        }),
      );
    },

    async removePendingPurge(integrationId) {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: PENDING_PURGES_KEY,
          UpdateExpression: 'DELETE integrationIds :ids',
          ExpressionAttributeValues: { ':ids': new Set([integrationId]) },
        }),
      );
    },

    async pendingPurges() {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: PENDING_PURGES_KEY, ConsistentRead: true }),
      );
      const ids: unknown = Item?.['integrationIds'];
      return ids instanceof Set ? [...(ids as Set<string>)] : [];
    },
  };
};
