/**
 * The redaction ledger (core/integrations/ports.ts): one item per redacted id in the Redactions
 * table, `(shopDomain, "<resource>#<id>")`, ids only. Purges leave it in place on purpose: ids are
 * not personal data, and they are what keeps a reconnected store's initial sync from importing a
 * redacted record again. One item per id, not one per shop: a shop's string sets reached
 * DynamoDB's 400 KB item limit at about 21,500 ids, and every later customers/redact failed.
 *
 * Ledgers written before this table existed live in the Integrations table as one item,
 * `redactions#<shop domain>` (one string set per resource); they are still read, never written.
 */
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { RedactionLedger } from '../../core/integrations/ports.js';
import type { TableNames } from './table-definitions.js';

const LEGACY_PREFIX = 'redacted_';
const legacyKey = (shopDomain: string) => ({ integrationId: `redactions#${shopDomain}` });
const itemOf = (shopDomain: string, resource: string, shopifyId: string) => ({
  shopDomain,
  recordKey: `${resource}#${shopifyId}`,
  resource,
  shopifyId,
});
/** BatchWriteItem's own limit, and how often unprocessed items are sent again. */
const BATCH = 25;
const ATTEMPTS = 8;

export const createRedactionLedger = (
  doc: DynamoDBDocumentClient,
  tables: Pick<TableNames, 'Redactions' | 'Integrations'>,
): RedactionLedger => {
  const writeBatch = async (items: readonly ReturnType<typeof itemOf>[]) => {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0 && attempt < ATTEMPTS; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const { UnprocessedItems } = await doc.send(
        new BatchWriteCommand({ RequestItems: { [tables.Redactions]: requests } }),
      );
      requests = (UnprocessedItems?.[tables.Redactions] ?? []) as typeof requests;
    }
    if (requests.length > 0) throw new Error(`${requests.length} redaction ledger entries were not written`);
  };

  return {
    async record(shopDomain, resource, shopifyId) {
      const domain = shopDomain.toLowerCase();
      await doc.send(
        new PutCommand({ TableName: tables.Redactions, Item: itemOf(domain, resource, shopifyId) }),
      );
    },

    async recordMany(shopDomain, resource, shopifyIds) {
      const domain = shopDomain.toLowerCase();
      // A batch may not name one key twice.
      const unique = [...new Set(shopifyIds)].map((id) => itemOf(domain, resource, id));
      for (let start = 0; start < unique.length; start += BATCH)
        await writeBatch(unique.slice(start, start + BATCH));
    },

    async redacted(shopDomain) {
      const domain = shopDomain.toLowerCase();
      const found: { resource: string; shopifyId: string }[] = [];
      for await (const page of paginateQuery(
        { client: doc },
        {
          TableName: tables.Redactions,
          KeyConditionExpression: 'shopDomain = :shop',
          ExpressionAttributeValues: { ':shop': domain },
          ProjectionExpression: '#resource, shopifyId',
          ExpressionAttributeNames: { '#resource': 'resource' },
          ConsistentRead: true,
        },
      )) {
        for (const item of page.Items ?? [])
          found.push({ resource: String(item['resource']), shopifyId: String(item['shopifyId']) });
      }
      const { Item } = await doc.send(
        new GetCommand({ TableName: tables.Integrations, Key: legacyKey(domain), ConsistentRead: true }),
      );
      const seen = new Set(found.map(({ resource, shopifyId }) => `${resource}#${shopifyId}`));
      for (const [name, ids] of Object.entries(Item ?? {})) {
        if (!name.startsWith(LEGACY_PREFIX) || !(ids instanceof Set)) continue;
        const resource = name.slice(LEGACY_PREFIX.length);
        for (const shopifyId of ids as Set<string>)
          if (!seen.has(`${resource}#${shopifyId}`)) found.push({ resource, shopifyId });
      }
      return found;
    },
  };
};
