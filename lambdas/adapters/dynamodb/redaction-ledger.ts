/**
 * The redaction ledger (core/integrations/ports.ts): one item per shop in the Integrations
 * table, `redactions#<shop domain>`, holding a string set of redacted customer ids and nothing
 * else. Purges leave it in place on purpose: ids are not personal data, and they are what keeps
 * a reconnected store's initial sync from importing a redacted customer again.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RedactionLedger } from '../../core/integrations/ports.js';

const ledgerKey = (shopDomain: string) => ({ integrationId: `redactions#${shopDomain.toLowerCase()}` });

export const createRedactionLedger = (doc: DynamoDBDocumentClient, tableName: string): RedactionLedger => ({
  async record(shopDomain, customerShopifyId) {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: ledgerKey(shopDomain),
        UpdateExpression: 'ADD customerIds :ids',
        ExpressionAttributeValues: { ':ids': new Set([customerShopifyId]) },
      }),
    );
  },
  async redactedCustomers(shopDomain) {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: ledgerKey(shopDomain), ConsistentRead: true }),
    );
    const ids = Item?.['customerIds'];
    return ids instanceof Set ? [...(ids as Set<string>)] : [];
  },
});
