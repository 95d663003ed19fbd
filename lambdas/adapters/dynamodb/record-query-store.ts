/**
 * Reads of a resource table by key and index only (never a Scan): the read API's listings, and
 * the per-store work of counts, reconcile and purge over the `byIntegration` index.
 *
 *   const queries = createRecordQueryStore(doc, tableName)
 *   queries.listRecords({ organizationId, status?, updatedSince? | lookup?, limit, startAfter? })
 *   queries.getRecord(organizationId, shopifyId)
 *   queries.countByStatus(integrationId) / countActive(integrationId)
 *   queries.activeUpdatedBefore(integrationId, cutoff) / allKeys(integrationId)   (async pages)
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { StoredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordInventory, RecordStatusCounts, StoredRecordRef } from '../../core/integrations/ports.js';
import {
  type ListingKey,
  type ListRecordsRequest,
  modeOf,
  type RecordPage,
  type RecordQueries,
} from '../../core/read-api/record-listing.js';
import { lookupIndexName } from './table-definitions.js';

type Key = Record<string, unknown>;

/** Items read per Query while filling a listing page: a selective status filter needs headroom. */
const LISTING_READ_BATCH = 500;
/** Queries per listing request before a short page is returned with a cursor (bounds latency and cost). */
const LISTING_MAX_QUERIES = 10;

export type RecordQueryStore = RecordQueries &
  RecordInventory & { get(organizationId: string, shopifyId: string): Promise<StoredRecord | undefined> };

export const createRecordQueryStore = (doc: DynamoDBDocumentClient, tableName: string): RecordQueryStore => {
  async function* pages(input: QueryCommandInput): AsyncGenerator<Key[]> {
    for await (const page of paginateQuery({ client: doc }, input)) {
      if ((page.Items?.length ?? 0) > 0) yield page.Items!;
    }
  }

  /** The index a listing reads and the attribute it sorts by (besides the base key). */
  const indexOf = (request: ListRecordsRequest): { indexName?: string; sortAttribute?: string } => {
    const mode = modeOf(request);
    if (mode === 'byUpdatedAt')
      return { indexName: 'byOrganizationUpdatedAt', sortAttribute: 'shopifyUpdatedAt' };
    if (request.lookup)
      return {
        indexName: lookupIndexName(request.lookup.attribute),
        sortAttribute: request.lookup.attribute,
      };
    return {};
  };

  const listRecords = async (request: ListRecordsRequest): Promise<RecordPage> => {
    const { indexName, sortAttribute } = indexOf(request);
    const keyOf = (item: Key): ListingKey => ({
      organizationId: String(item['organizationId']),
      shopifyId: String(item['shopifyId']),
      ...(sortAttribute && { [sortAttribute]: String(item[sortAttribute]) }),
    });
    const names: Record<string, string> = { '#org': 'organizationId' };
    const values: Record<string, unknown> = { ':org': request.organizationId };
    let keyCondition = '#org = :org';
    if (request.updatedSince) {
      names['#sort'] = 'shopifyUpdatedAt';
      values[':since'] = request.updatedSince;
      keyCondition += ' AND #sort >= :since';
    } else if (request.lookup) {
      names['#sort'] = request.lookup.attribute;
      values[':value'] = request.lookup.value;
      keyCondition += ' AND #sort = :value';
    }
    if (request.status) {
      names['#status'] = 'status';
      values[':status'] = request.status;
    }
    const items: StoredRecord[] = [];
    let startKey: Key | undefined = request.startAfter ? { ...request.startAfter } : undefined;
    for (let queries = 0; queries < LISTING_MAX_QUERIES; queries += 1) {
      const remaining = request.limit - items.length;
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          ...(indexName && { IndexName: indexName }),
          KeyConditionExpression: keyCondition,
          ...(request.status && { FilterExpression: '#status = :status' }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Without a filter every item read is returned, so read exactly what is missing.
          Limit: request.status ? Math.max(remaining, LISTING_READ_BATCH) : remaining,
          ExclusiveStartKey: startKey,
        }),
      );
      const found = (page.Items ?? []) as StoredRecord[];
      if (found.length >= remaining) {
        const taken = found.slice(0, remaining);
        items.push(...taken);
        // The page ends at the last item returned, wherever DynamoDB stopped reading.
        const more = found.length > remaining || page.LastEvaluatedKey !== undefined;
        return { items, ...(more && { lastKey: keyOf(taken.at(-1) as unknown as Key) }) };
      }
      items.push(...found);
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { items };
    }
    return { items, lastKey: keyOf(startKey!) };
  };

  const getRecord = async (organizationId: string, shopifyId: string): Promise<StoredRecord | undefined> => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { organizationId, shopifyId }, ConsistentRead: true }),
    );
    return Item as StoredRecord | undefined;
  };

  const byIntegration = (integrationId: string): QueryCommandInput => ({
    TableName: tableName,
    IndexName: 'byIntegration',
    KeyConditionExpression: 'integrationId = :integrationId',
    ExpressionAttributeValues: { ':integrationId': integrationId },
  });

  const countByStatus = async (integrationId: string): Promise<RecordStatusCounts> => {
    // One pass projecting `status` costs the same read units as one Select COUNT pass, and a
    // third of three filtered COUNT passes.
    const counts = { ACTIVE: 0, INACTIVE: 0, REDACTED: 0 };
    for await (const page of pages({
      ...byIntegration(integrationId),
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    })) {
      for (const item of page) {
        const status = item['status'] as keyof typeof counts;
        if (status in counts) counts[status] += 1;
      }
    }
    return counts;
  };

  const countActive = async (integrationId: string): Promise<number> => {
    let count = 0;
    const counted = paginateQuery(
      { client: doc },
      {
        ...byIntegration(integrationId),
        Select: 'COUNT',
        FilterExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':integrationId': integrationId, ':active': 'ACTIVE' },
      },
    );
    for await (const page of counted) count += page.Count ?? 0;
    return count;
  };

  const toRef = (item: Key): StoredRecordRef => ({
    organizationId: String(item['organizationId']),
    shopifyId: String(item['shopifyId']),
    ...(typeof item['shopifyUpdatedAt'] === 'string' && { shopifyUpdatedAt: item['shopifyUpdatedAt'] }),
    ...(item['redactedAt'] !== undefined && { redacted: true }),
  });

  async function* activeUpdatedBefore(
    integrationId: string,
    cutoff: string,
  ): AsyncGenerator<StoredRecordRef[]> {
    for await (const page of pages({
      ...byIntegration(integrationId),
      FilterExpression: '#status = :active AND #updatedAt < :cutoff',
      ProjectionExpression: 'organizationId, shopifyId, #updatedAt',
      ExpressionAttributeNames: { '#status': 'status', '#updatedAt': 'shopifyUpdatedAt' },
      ExpressionAttributeValues: { ':integrationId': integrationId, ':active': 'ACTIVE', ':cutoff': cutoff },
    })) {
      yield page.map(toRef);
    }
  }

  async function* allKeys(integrationId: string): AsyncGenerator<StoredRecordRef[]> {
    for await (const page of pages({
      ...byIntegration(integrationId),
      ProjectionExpression: 'organizationId, shopifyId, redactedAt',
    })) {
      yield page.map(toRef);
    }
  }

  /** Every record of one store whose lookup attribute has this value (orders of a customer). */
  async function* idsWithLookup(
    organizationId: string,
    integrationId: string,
    lookup: { readonly attribute: string; readonly value: string },
  ): AsyncGenerator<string[]> {
    for await (const page of pages({
      TableName: tableName,
      IndexName: lookupIndexName(lookup.attribute),
      KeyConditionExpression: '#org = :org AND #lookup = :value',
      ProjectionExpression: 'shopifyId, integrationId',
      ExpressionAttributeNames: { '#org': 'organizationId', '#lookup': lookup.attribute },
      ExpressionAttributeValues: { ':org': organizationId, ':value': lookup.value },
    })) {
      yield page
        .filter((item) => item['integrationId'] === integrationId)
        .map((item) => String(item['shopifyId']));
    }
  }

  return {
    listRecords,
    getRecord,
    idsWithLookup,
    get: getRecord,
    countByStatus,
    countActive,
    activeUpdatedBefore,
    allKeys,
  };
};
