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
 *
 * A customer with many large orders does not fit one item (DynamoDB's limit is 400 KB): the
 * records are split into parts of at most PART_BYTES of JSON, `<export key>#part-<n>`, written
 * before the head item that names how many there are, so a head is never read without its parts.
 * Past `expiresAt` an export is not served, whether or not the TTL sweep has deleted it yet.
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
import { withoutStorageAttributes } from './storage-attributes.js';
import { integrationsTable } from './table-definitions.js';

export const DEFAULT_DATA_EXPORT_RETENTION_DAYS = 30;

/** Far below DynamoDB's 400 KB per item, with room for the keys and the attribute names. */
export const PART_BYTES = 128 * 1024;

type ExportedRecord = Record<string, unknown>;
interface Part {
  readonly records: ExportedRecord[];
  readonly orders: ExportedRecord[];
}

/** Records in order, in parts of at most PART_BYTES of JSON (a record larger than that alone). */
export const splitIntoParts = (
  records: readonly ExportedRecord[],
  orders: readonly ExportedRecord[],
): Part[] => {
  const parts: Part[] = [];
  let current: Part = { records: [], orders: [] };
  let size = 0;
  const add = (kind: keyof Part, record: ExportedRecord) => {
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (size > 0 && size + bytes > PART_BYTES) {
      parts.push(current);
      current = { records: [], orders: [] };
      size = 0;
    }
    current[kind].push(record);
    size += bytes;
  };
  for (const record of records) add('records', record);
  for (const order of orders) add('orders', order);
  if (size > 0 || parts.length === 0) parts.push(current);
  return parts;
};

const partKey = (exportKey: string, n: number) => `${exportKey}#part-${n}`;

export const dataExportKey = (shopDomain: string, dataRequestId: string): string =>
  `data-request#${shopDomain.toLowerCase()}#${dataRequestId}`;

const indexKey = (shopDomain: string) => ({ integrationId: `data-exports#${shopDomain.toLowerCase()}` });
const customerAttribute = (customerShopifyId: string) => `customer_${customerShopifyId}`;
const TTL = integrationsTable.timeToLiveAttribute;

export interface DataExportStoreOptions {
  /** How long an export is kept (the `dataExportRetentionDays` context key). */
  readonly retentionDays?: number;
  /** The clock (ms) that decides whether an export has expired; tests pin it. */
  readonly now?: () => number;
}

export const createDataExportStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  { retentionDays = DEFAULT_DATA_EXPORT_RETENTION_DAYS, now = Date.now }: DataExportStoreOptions = {},
): DataExports => {
  const head = async (exportKey: string) =>
    (
      await doc.send(
        new GetCommand({ TableName: tableName, Key: { integrationId: exportKey }, ConsistentRead: true }),
      )
    ).Item;

  const deleteExports = async (shopDomain: string, dataRequestIds: Iterable<string>) => {
    const heads = [...dataRequestIds].map((id) => dataExportKey(shopDomain, id));
    const keys: { integrationId: string }[] = [];
    for (const exportKey of heads) {
      const parts = Number((await head(exportKey))?.['parts'] ?? 0);
      for (let n = 0; n < parts; n += 1) keys.push({ integrationId: partKey(exportKey, n) });
      keys.push({ integrationId: exportKey });
    }
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
    return heads.length;
  };

  return {
    async save(dataExport) {
      const exportKey = dataExportKey(dataExport.shopDomain, dataExport.dataRequestId);
      // A redelivered request keeps the first export and writes nothing at all.
      if (await head(exportKey)) return { exportKey, created: false };
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
      const { shopDomain, records, orders, ...rest } = dataExport;
      // The records as the read API shows them: storage attributes are not the merchant's data.
      const parts = splitIntoParts(
        records.map(withoutStorageAttributes),
        orders.map(withoutStorageAttributes),
      );
      for (const [n, part] of parts.entries()) {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { integrationId: partKey(exportKey, n), ...part, [TTL]: expiresAt },
          }),
        );
      }
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              integrationId: exportKey,
              recordType: 'CUSTOMER_DATA_EXPORT',
              requestShopDomain: shopDomain,
              ...rest,
              parts: parts.length,
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
      const exportKey = dataExportKey(shopDomain, dataRequestId);
      const Item = await head(exportKey);
      // Personal data past its retention is never served, whatever the TTL sweep has done yet.
      if (!Item || !(Number(Item[TTL]) > now() / 1000)) return undefined;
      const {
        integrationId: _key,
        recordType: _type,
        requestShopDomain,
        parts,
        [TTL]: _ttl,
        ...rest
      } = Item as Record<string, unknown>;
      const records: ExportedRecord[] = [];
      const orders: ExportedRecord[] = [];
      for (let n = 0; n < Number(parts ?? 0); n += 1) {
        const part = (await head(partKey(exportKey, n))) as Partial<Part> | undefined;
        if (!part) throw new Error(`Data export ${exportKey} is missing part ${n}`);
        records.push(...(part.records ?? []));
        orders.push(...(part.orders ?? []));
      }
      // Exports written before parts existed hold their records in the head item.
      const legacy = (rest as { records?: ExportedRecord[] }).records ?? [];
      return {
        ...rest,
        shopDomain: requestShopDomain,
        records: [...legacy, ...records],
        orders,
      } as unknown as CustomerDataExport;
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
