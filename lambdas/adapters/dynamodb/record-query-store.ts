/**
 * Reads of a resource table by key and index only (never a Scan): the read API's listings, and
 * the per-store work of counts, reconcile and purge over the `byIntegration` index.
 *
 *   const queries = createRecordQueryStore(doc, tableName, { updatedSinceIndex: 'sharded' | 'unsharded' })
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
import { byNumericId } from '../../resources/kit/normalize.js';
import { withoutStorageAttributes } from './storage-attributes.js';
import type { RecordInventory, RecordStatusCounts, StoredRecordRef } from '../../core/integrations/ports.js';
import {
  type ListingKey,
  type ListRecordsRequest,
  modeOf,
  type RangePosition,
  type RecordPage,
  type RecordQueries,
} from '../../core/read-api/record-listing.js';
import { ValidationError } from '../../core/errors.js';
import { lookupIndexName } from './table-definitions.js';
import {
  SHARDED_UPDATED_INDEX,
  shardKey,
  UNSHARDED_UPDATED_INDEX,
  UPDATED_SHARD_ATTRIBUTE,
  UPDATED_SHARDS,
} from './updated-shards.js';

type Key = Record<string, unknown>;

type Place = { readonly sort: string; readonly shopifyId: string };
const placeOf = (item: Key): Place => ({
  sort: String(item['shopifyUpdatedAt']),
  shopifyId: String(item['shopifyId']),
});
/**
 * Merge order: update time, then id. Each shard's items come in the index's order, which for
 * equal update times is not documented; comparing heads by (time, id) still yields every item
 * once, in an order that is the same on every read of unchanged data.
 */
const compareItems = (a: Place, b: Place): number =>
  a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : byNumericId(a.shopifyId, b.shopifyId);

/** Items read per Query while filling a listing page: a selective status filter needs headroom. */
const LISTING_READ_BATCH = 500;
/** Queries per listing request before a short page is returned with a cursor (bounds latency and cost). */
const LISTING_MAX_QUERIES = 10;

/** Merged listings: the Queries one page may send (one round per shard, then refills) before it ends short. */
const MERGED_MAX_QUERIES = UPDATED_SHARDS * 3;

export type RecordQueryStore = RecordQueries &
  RecordInventory & { get(organizationId: string, shopifyId: string): Promise<StoredRecord | undefined> };

export interface RecordQueryStoreOptions {
  /**
   * Which index the `updatedSince` listing reads (table-definitions.ts, the migration steps):
   * `sharded` (default) merges the shards of `byOrganizationShardUpdatedAt`; `unsharded` reads
   * `byOrganizationUpdatedAt` while a deployment still builds the sharded one.
   */
  readonly updatedSinceIndex?: 'sharded' | 'unsharded';
}

/** A stored item as the read API shows it. */
const recordOfItem = (item: Key): StoredRecord => withoutStorageAttributes(item) as unknown as StoredRecord;

export const createRecordQueryStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: RecordQueryStoreOptions = {},
): RecordQueryStore => {
  const sharded = (options.updatedSinceIndex ?? 'sharded') === 'sharded';
  async function* pages(input: QueryCommandInput): AsyncGenerator<Key[]> {
    for await (const page of paginateQuery({ client: doc }, input)) {
      if ((page.Items?.length ?? 0) > 0) yield page.Items!;
    }
  }

  /** The index a listing reads and the attribute it sorts by (besides the base key). */
  const indexOf = (request: ListRecordsRequest): { indexName?: string; sortAttribute?: string } => {
    const mode = modeOf(request);
    if (mode === 'byUpdatedAt')
      return { indexName: UNSHARDED_UPDATED_INDEX, sortAttribute: 'shopifyUpdatedAt' };
    if (request.lookup)
      return {
        indexName: lookupIndexName(request.lookup.attribute),
        sortAttribute: request.lookup.attribute,
      };
    return {};
  };

  const listRecords = (request: ListRecordsRequest): Promise<RecordPage> => {
    if (modeOf(request) !== 'byUpdatedAt') return listOneRange(request);
    if (sharded) return listShardsMerged(request);
    const start = unshardedStart(request);
    return start === 'done' ? Promise.resolve({ items: [] }) : listOneRange(start);
  };

  const listOneRange = async (request: ListRecordsRequest): Promise<RecordPage> => {
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
      const found = (page.Items ?? []).map(recordOfItem);
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

  /**
   * A cursor made by the other reader during a migration step's switch: the unsharded index goes
   * on from the earliest place any shard reached (items at that place may come again, none are
   * skipped), the sharded one from the v1 key's place in every shard.
   */
  const unshardedStart = (request: ListRecordsRequest): ListRecordsRequest | 'done' => {
    if (!request.startAfterRanges) return request;
    const { startAfterRanges, ...rest } = request;
    if (startAfterRanges.includes(null)) return rest;
    const places = startAfterRanges.filter((range): range is Place => range !== null && range !== 'done');
    const earliest = places.reduce<Place | undefined>(
      (min, place) => (!min || compareItems(place, min) < 0 ? place : min),
      undefined,
    );
    if (!earliest) return 'done';
    return {
      ...rest,
      startAfter: {
        organizationId: request.organizationId,
        shopifyId: earliest.shopifyId,
        shopifyUpdatedAt: earliest.sort,
      },
    };
  };

  /**
   * The `updatedSince` listing over the sharded index: one Query per shard, merged in
   * (shopifyUpdatedAt, shard) order. An item is emitted only once every shard that may still
   * hold an earlier one has shown its next item, so the page is in order; each shard goes on
   * from its own place, so nothing is skipped or repeated, and a record updated while a client
   * pages moves forward within its shard and is listed again at its new place, as in one range.
   */
  const listShardsMerged = async (request: ListRecordsRequest): Promise<RecordPage> => {
    const { organizationId, limit } = request;
    const starts: RangePosition[] = [
      ...(request.startAfterRanges ?? Array.from({ length: UPDATED_SHARDS }, () => null)),
    ];
    if (starts.length !== UPDATED_SHARDS) throw new ValidationError('Invalid cursor');
    if (!request.startAfterRanges && request.startAfter) {
      // A v1 cursor from the unsharded index (the switch step): the same place in every shard.
      const { shopifyUpdatedAt, shopifyId } = request.startAfter;
      starts.fill({ sort: shopifyUpdatedAt!, shopifyId });
    }
    const since = request.updatedSince!;
    if (starts.some((start) => start !== null && start !== 'done' && start.sort < since))
      throw new ValidationError('Invalid cursor');
    const shards = starts.map((start, shard) => ({
      shard,
      key: shardKey(organizationId, shard),
      position: start,
      buffer: [] as Key[],
      readAll: start === 'done',
    }));
    const names: Record<string, string> = { '#shard': UPDATED_SHARD_ATTRIBUTE, '#sort': 'shopifyUpdatedAt' };
    if (request.status) names['#status'] = 'status';
    const items: StoredRecord[] = [];
    let queries = 0;
    const fill = async (state: (typeof shards)[number]): Promise<void> => {
      const remaining = limit - items.length;
      // About this shard's share of what is missing, with headroom for uneven shards.
      const share = Math.min(remaining, Math.max(10, Math.ceil((2 * remaining) / UPDATED_SHARDS)));
      const position = state.position;
      queries += 1;
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: SHARDED_UPDATED_INDEX,
          KeyConditionExpression: '#shard = :shard AND #sort >= :since',
          ...(request.status && { FilterExpression: '#status = :status' }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':shard': state.key,
            ':since': since,
            ...(request.status && { ':status': request.status }),
          },
          Limit: request.status ? Math.max(share, 100) : share,
          ...(position !== null &&
            position !== 'done' && {
              ExclusiveStartKey: {
                [UPDATED_SHARD_ATTRIBUTE]: state.key,
                shopifyUpdatedAt: position.sort,
                organizationId,
                shopifyId: position.shopifyId,
              },
            }),
        }),
      );
      state.buffer = page.Items ?? [];
      const last = page.LastEvaluatedKey;
      state.readAll = last === undefined;
      // Everything read and not buffered was filtered out: the shard's place moves past it.
      if (state.buffer.length === 0)
        state.position = last
          ? { sort: String(last['shopifyUpdatedAt']), shopifyId: String(last['shopifyId']) }
          : 'done';
    };
    const waiting = () => shards.filter((state) => state.buffer.length === 0 && !state.readAll);
    let short = false;
    while (items.length < limit) {
      const empty = waiting();
      if (empty.length > 0) {
        if (queries + empty.length > MERGED_MAX_QUERIES) {
          short = true;
          break;
        }
        await Promise.all(empty.map(fill));
        continue;
      }
      let next: (typeof shards)[number] | undefined;
      for (const state of shards) {
        if (state.buffer.length === 0) continue;
        if (!next || compareItems(placeOf(state.buffer[0]!), placeOf(next.buffer[0]!)) < 0) next = state;
      }
      if (!next) break;
      const item = next.buffer.shift()!;
      items.push(recordOfItem(item));
      next.position = next.buffer.length === 0 && next.readAll ? 'done' : placeOf(item);
    }
    const more = short || shards.some((state) => state.buffer.length > 0 || !state.readAll);
    return { items, ...(more && { lastRanges: shards.map((state) => state.position) }) };
  };

  const getRecord = async (organizationId: string, shopifyId: string): Promise<StoredRecord | undefined> => {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { organizationId, shopifyId }, ConsistentRead: true }),
    );
    return Item && recordOfItem(Item);
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
