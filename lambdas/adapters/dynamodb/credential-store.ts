/**
 * The credential fields of an integration item, read and written under their version
 * (core/credentials/token-provider.ts states the rules). They live on the integration's own item
 * so that a reconnect (`put`, which bumps the version and drops any lease) and a refresh can
 * never both win: each write is conditional on the version it read.
 *
 * Items written before credential kinds existed have only `encryptedAccessToken`: a static
 * token at version 0.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CredentialKind, StoredCredential } from '../../core/credentials/credentials.js';
import type { CredentialStore } from '../../core/credentials/token-provider.js';
import { integrationItemUpdate } from './integration-item.js';

/** Item attribute of each credential field (the integration's view names a few of them). */
export const credentialAttributes = {
  kind: 'credentialKind',
  encryptedAccessToken: 'encryptedAccessToken',
  accessTokenExpiresAt: 'credentialExpiresAt',
  accessTokenIssuedAt: 'credentialIssuedAt',
  encryptedRefreshToken: 'encryptedRefreshToken',
  refreshTokenExpiresAt: 'refreshTokenExpiresAt',
  clientId: 'credentialClientId',
  encryptedClientSecret: 'encryptedClientSecret',
  tokenExchangeStartedAt: 'tokenExchangeStartedAt',
} as const;

export const CREDENTIAL_VERSION = 'credentialVersion';
export const LEASE_HOLDER = 'credentialLeaseHolder';
export const LEASE_UNTIL = 'credentialLeaseUntil';

/** Every attribute of a credential besides the version: what a reconnect or an erasure replaces. */
export const credentialItemAttributes = [
  ...Object.values(credentialAttributes),
  LEASE_HOLDER,
  LEASE_UNTIL,
] as const;

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

export const storedCredentialOf = (item: Record<string, unknown>): StoredCredential => {
  const holder = str(item[LEASE_HOLDER]);
  const until = item[LEASE_UNTIL];
  const fields = Object.fromEntries(
    Object.entries(credentialAttributes)
      .filter(([field]) => field !== 'kind')
      .flatMap(([field, attribute]) =>
        str(item[attribute]) === undefined ? [] : [[field, str(item[attribute])]],
      ),
  );
  return {
    ...fields,
    kind: (str(item[credentialAttributes.kind]) as CredentialKind | undefined) ?? 'static',
    version: typeof item[CREDENTIAL_VERSION] === 'number' ? item[CREDENTIAL_VERSION] : 0,
    ...(holder !== undefined && typeof until === 'number' && { lease: { holder, until } }),
  };
};

const versionIs = `(${CREDENTIAL_VERSION} = :version OR (attribute_not_exists(${CREDENTIAL_VERSION}) AND :version = :zero))`;

export const createCredentialStore = (doc: DynamoDBDocumentClient, tableName: string): CredentialStore => {
  const updateIf = integrationItemUpdate(doc, tableName);
  return {
    async read(integrationId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { integrationId }, ConsistentRead: true }),
      );
      return Item && Item['encryptedAccessToken'] !== undefined ? storedCredentialOf(Item) : undefined;
    },

    async tryLease(integrationId, version, holder, now, until) {
      return updateIf(integrationId, {
        UpdateExpression: `SET ${LEASE_HOLDER} = :holder, ${LEASE_UNTIL} = :until`,
        ConditionExpression: `attribute_exists(encryptedAccessToken) AND ${versionIs} AND (attribute_not_exists(${LEASE_UNTIL}) OR ${LEASE_UNTIL} < :now)`,
        ExpressionAttributeValues: {
          ':holder': holder,
          ':until': until,
          ':now': now,
          ':version': version,
          ':zero': 0,
        },
      });
    },

    async save(integrationId, version, holder, update) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {
        ':holder': holder,
        ':version': version,
        ':zero': 0,
        ':next': version + 1,
      };
      const sets = [`${CREDENTIAL_VERSION} = :next`];
      const removes: string[] = [LEASE_HOLDER, LEASE_UNTIL];
      for (const [field, attribute] of Object.entries(credentialAttributes)) {
        const value = (update as Record<string, unknown>)[field];
        names[`#${field}`] = attribute;
        if (value === undefined) removes.push(`#${field}`);
        else {
          sets.push(`#${field} = :${field}`);
          values[`:${field}`] = value;
        }
      }
      if (update.grantedScopes !== undefined) {
        sets.push('grantedScopes = :grantedScopes');
        values[':grantedScopes'] = [...update.grantedScopes];
      }
      return updateIf(integrationId, {
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: `${LEASE_HOLDER} = :holder AND ${versionIs}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
    },

    async releaseLease(integrationId, holder) {
      await updateIf(integrationId, {
        UpdateExpression: `REMOVE ${LEASE_HOLDER}, ${LEASE_UNTIL}`,
        ConditionExpression: `${LEASE_HOLDER} = :holder`,
        ExpressionAttributeValues: { ':holder': holder },
      });
    },
  };
};
