/**
 * Exports for customers/data_request, kept as auditable items in the Integrations table under
 * `data-request#<shop domain>#<data request id>`. They carry no `shopDomain`/`organizationId`
 * attribute at the top level (the copied customer records are nested), so they stay out of
 * every index. The merchant is given the export out of band; see docs/operations.md.
 *
 * An export holds personal data, so it does not outlive its purpose: it carries the table's TTL
 * attribute (`expiresAt`, DATA_EXPORT_RETENTION_DAYS after the export), and customers/redact or
 * shop/redact delete it at once. To find a shop's or a customer's exports without a Scan, one
 * ids-only item per shop, `data-exports#<shop domain>`, lists each customer's data request ids
 * (one string-set attribute per customer); it expires with the newest export.
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CustomerDataExport, DataExports } from '../../core/integrations/ports.js';
import { isConditionFailure } from './conditions.js';
import { integrationsTable } from './table-definitions.js';

export const DEFAULT_DATA_EXPORT_RETENTION_DAYS = 30;

export const dataExportKey = (shopDomain: string, dataRequestId: string): string =>
  `data-request#${shopDomain.toLowerCase()}#${dataRequestId}`;

const indexKey = (shopDomain: string) => ({ integrationId: `data-exports#${shopDomain.toLowerCase()}` });
const customerAttribute = (customerShopifyId: string) => `customer_${customerShopifyId}`;
const TTL = integrationsTable.timeToLiveAttribute;

export interface DataExportStoreOptions {
  /** How long an export is kept (the `dataExportRetentionDays` context key). */
  readonly retentionDays?: number;
}

export const createDataExportStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  { retentionDays = DEFAULT_DATA_EXPORT_RETENTION_DAYS }: DataExportStoreOptions = {},
): DataExports => {
  const deleteExports = async (shopDomain: string, dataRequestIds: Iterable<string>) => {
    const keys = [...dataRequestIds].map((id) => ({ integrationId: dataExportKey(shopDomain, id) }));
    for (let start = 0; start < keys.length; start += 25) {
      let requests = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      // Unprocessed items are throttling; a data request is rare and small, so retrying at once is fine.
      for (let attempt = 0; requests.length > 0 && attempt < 8; attempt += 1) {
        const { UnprocessedItems } = await doc.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
      if (requests.length > 0) throw new Error(`${requests.length} data exports could not be deleted`);
    }
    return keys.length;
  };

  return {
    async save(dataExport) {
      const exportKey = dataExportKey(dataExport.shopDomain, dataExport.dataRequestId);
      const expiresAt = Math.floor(Date.parse(dataExport.exportedAt) / 1000) + retentionDays * 86_400;
      // The index first: an export is never unreachable by the erasure that must delete it.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: indexKey(dataExport.shopDomain),
          UpdateExpression: 'ADD #customer :ids SET #ttl = :expiresAt',
          ExpressionAttributeNames: {
            '#customer': customerAttribute(dataExport.customerShopifyId),
            '#ttl': TTL,
          },
          ExpressionAttributeValues: { ':ids': new Set([dataExport.dataRequestId]), ':expiresAt': expiresAt },
        }),
      );
      const { shopDomain, ...rest } = dataExport;
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              integrationId: exportKey,
              recordType: 'CUSTOMER_DATA_EXPORT',
              requestShopDomain: shopDomain,
              ...rest,
              [TTL]: expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(integrationId)',
          }),
        );
        return { exportKey, created: true };
      } catch (error) {
        if (isConditionFailure(error)) return { exportKey, created: false };
        throw error;
      }
    },

    async get(shopDomain, dataRequestId) {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { integrationId: dataExportKey(shopDomain, dataRequestId) },
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      const {
        integrationId: _key,
        recordType: _type,
        requestShopDomain,
        [TTL]: _ttl,
        ...rest
      } = Item as Record<string, unknown>;
      return { ...rest, shopDomain: requestShopDomain } as CustomerDataExport;
    },

    async deleteForCustomer(shopDomain, customerShopifyId) {
      const { Attributes } = await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: indexKey(shopDomain),
            UpdateExpression: 'REMOVE #customer',
            ConditionExpression: 'attribute_exists(integrationId)',
            ExpressionAttributeNames: { '#customer': customerAttribute(customerShopifyId) },
            ReturnValues: 'UPDATED_OLD',
          }),
        )
        .catch((error: unknown) => {
          if (isConditionFailure(error)) return { Attributes: undefined };
          throw error;
        });
      const ids: unknown = Attributes?.[customerAttribute(customerShopifyId)];
      return ids instanceof Set ? deleteExports(shopDomain, ids as Set<string>) : 0;
    },

    async deleteForShop(shopDomain) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: indexKey(shopDomain), ConsistentRead: true }),
      );
      const ids = Object.entries(Item ?? {})
        .filter(([name, value]) => name.startsWith('customer_') && value instanceof Set)
        .flatMap(([, value]) => [...(value as Set<string>)]);
      const deleted = await deleteExports(shopDomain, ids);
      await doc.send(new DeleteCommand({ TableName: tableName, Key: indexKey(shopDomain) }));
      return deleted;
    },
  };
};
