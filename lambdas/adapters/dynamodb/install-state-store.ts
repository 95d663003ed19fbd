/**
 * Pending installs (core/credentials/install.ts) as items of the Integrations table, keyed by a
 * SHA-256 of the state so the table never holds a usable one. `consume` is one conditional
 * DeleteItem that answers the old item: two callbacks with one state cannot both get it.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { InstallState, InstallStates } from '../../core/credentials/install.js';
import { isConditionFailure } from './conditions.js';

const keyOf = (state: string) => ({
  integrationId: `install-state#${createHash('sha256').update(state, 'utf8').digest('base64url')}`,
});

export const createInstallStateStore = (doc: DynamoDBDocumentClient, tableName: string): InstallStates => ({
  async save(state, install) {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keyOf(state),
          installOrganizationId: install.organizationId,
          installShopDomain: install.shopDomain,
          ...(install.returnUrl !== undefined && { returnUrl: install.returnUrl }),
          stateExpiresAt: install.expiresAt,
          // The table's TTL attribute (epoch seconds): DynamoDB removes forgotten states.
          expiresAt: Math.ceil(Date.parse(install.expiresAt) / 1000),
        },
        ConditionExpression: 'attribute_not_exists(integrationId)',
      }),
    );
  },
  async consume(state, shopDomain) {
    try {
      const { Attributes } = await doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: keyOf(state),
          ConditionExpression: 'installShopDomain = :shop',
          ExpressionAttributeValues: { ':shop': shopDomain },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!Attributes) return undefined;
      const item = Attributes as Record<string, unknown>;
      return {
        organizationId: String(item['installOrganizationId']),
        shopDomain: String(item['installShopDomain']),
        ...(typeof item['returnUrl'] === 'string' && { returnUrl: item['returnUrl'] }),
        expiresAt: String(item['stateExpiresAt']),
      } satisfies InstallState;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },
});
