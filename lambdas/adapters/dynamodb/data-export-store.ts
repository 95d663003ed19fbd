/**
 * Exports for customers/data_request, kept as auditable items in the Integrations table under
 * `data-request#<shop domain>#<data request id>`. They carry no `shopDomain`/`organizationId`
 * attribute at the top level (the copied customer records are nested), so they stay out of
 * every index. The merchant is given the export out of band; see docs/operations.md.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerDataExport, DataExports } from '../../core/integrations/ports.js';
import { isConditionFailure } from './conditions.js';

export const dataExportKey = (shopDomain: string, dataRequestId: string): string =>
  `data-request#${shopDomain.toLowerCase()}#${dataRequestId}`;

export const createDataExportStore = (doc: DynamoDBDocumentClient, tableName: string): DataExports => ({
  async save(dataExport) {
    const exportKey = dataExportKey(dataExport.shopDomain, dataExport.dataRequestId);
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
      ...rest
    } = Item as Record<string, unknown>;
    return { ...rest, shopDomain: requestShopDomain } as CustomerDataExport;
  },
});
