/**
 * The redaction ledger (core/integrations/ports.ts): one item per shop in the Integrations
 * table, `redactions#<shop domain>`, holding one string set of redacted ids per resource
 * (`customers`, `orders`…) and nothing else. Purges leave it in place on purpose: ids are not personal data, and they are what keeps
 * a reconnected store's initial sync from importing a redacted customer again.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RedactionLedger } from '../../core/integrations/ports.js';

/** One attribute per resource: `redacted_customers`, `redacted_orders`. */
const PREFIX = 'redacted_';
const ledgerKey = (shopDomain: string) => ({ integrationId: `redactions#${shopDomain.toLowerCase()}` });

export const createRedactionLedger = (doc: DynamoDBDocumentClient, tableName: string): RedactionLedger => ({
  async record(shopDomain, resource, shopifyId) {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: ledgerKey(shopDomain),
        UpdateExpression: 'ADD #resource :ids',
        ExpressionAttributeNames: { '#resource': `${PREFIX}${resource}` },
        ExpressionAttributeValues: { ':ids': new Set([shopifyId]) },
      }),
    );
  },
  async redacted(shopDomain) {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: ledgerKey(shopDomain), ConsistentRead: true }),
    );
    return Object.entries(Item ?? {})
      .filter(([name, ids]) => name.startsWith(PREFIX) && ids instanceof Set)
      .flatMap(([name, ids]) =>
        [...(ids as Set<string>)].map((shopifyId) => ({ resource: name.slice(PREFIX.length), shopifyId })),
      );
  },
});
