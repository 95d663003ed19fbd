/**
 * The one-off job of the move to the sharded `updatedSince` index (docs/upgrading.md): gives
 * every record written before the move its `updatedShard`, so the new index holds all of them
 * before the read API switches to it.
 *
 *   await backfillUpdatedShards(doc, tableName, { segments: 4, checkpoint })   → BackfillReport
 *   await countUnsharded(doc, tableName)                                       → items still missing it
 *
 * Idempotent: an item is written only where the attribute is missing (a conditional UpdateItem),
 * so a second run, a run beside the live writers (which set it themselves), or a page repeated
 * after a crash changes nothing twice, and an item deleted meanwhile is not brought back.
 * Resumable: a parallel Scan, each segment's position saved after each page it has finished, so
 * a stopped run goes on from there. Scans read the whole table (read units for every item, once);
 * writes are one small update per record written before the move.
 */
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditions.js';
import { UPDATED_SHARD_ATTRIBUTE, updatedShardOf } from './updated-shards.js';

type Key = Record<string, unknown>;

/** Where one Scan segment stands: its last finished page's key, or done. */
export interface SegmentPosition {
  readonly segment: number;
  readonly lastKey?: Key;
  readonly done: boolean;
}

export interface BackfillCheckpoint {
  /** The positions saved by an earlier run of the same table and segment count, if any. */
  load(): Promise<readonly SegmentPosition[] | undefined>;
  save(positions: readonly SegmentPosition[]): Promise<void>;
}

export interface BackfillOptions {
  /** Parallel Scan segments (DynamoDB's TotalSegments); a resumed run must use the same number. */
  readonly segments?: number;
  /** Items read per Scan page. */
  readonly pageSize?: number;
  /** Updates in flight per segment. */
  readonly concurrency?: number;
  readonly checkpoint?: BackfillCheckpoint;
  /** Called after each page (progress output). */
  readonly onPage?: (report: BackfillReport) => void;
}

export interface BackfillReport {
  /** Items the Scans returned without the attribute (a filtered Scan still reads every item). */
  found: number;
  /** Items this run gave the attribute. */
  updated: number;
  /** Items that had it by the time of the update (a live write got there first) or were gone. */
  skipped: number;
  segmentsDone: number;
}

export async function backfillUpdatedShards(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const segments = options.segments ?? 4;
  const saved = await options.checkpoint?.load();
  if (saved && saved.length !== segments)
    throw new Error(
      `The checkpoint was made with ${saved.length} segments; resume with --segments ${saved.length}`,
    );
  const positions: SegmentPosition[] =
    saved?.map((position) => ({ ...position })) ??
    Array.from({ length: segments }, (_, segment) => ({ segment, done: false }));
  const report: BackfillReport = {
    found: 0,
    updated: 0,
    skipped: 0,
    segmentsDone: positions.filter((p) => p.done).length,
  };
  // Saves are serialised: each writes every segment's latest position.
  let saving = Promise.resolve();
  const save = () => {
    saving = saving.then(() => options.checkpoint?.save(positions.map((p) => ({ ...p }))));
    return saving;
  };

  const giveShard = async (item: Key): Promise<void> => {
    const organizationId = String(item['organizationId']);
    const shopifyId = String(item['shopifyId']);
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { organizationId, shopifyId },
          UpdateExpression: 'SET #shard = :shard',
          ConditionExpression: 'attribute_exists(shopifyId) AND attribute_not_exists(#shard)',
          ExpressionAttributeNames: { '#shard': UPDATED_SHARD_ATTRIBUTE },
          ExpressionAttributeValues: { ':shard': updatedShardOf(organizationId, shopifyId) },
        }),
      );
      report.updated += 1;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      report.skipped += 1;
    }
  };

  const runSegment = async (index: number): Promise<void> => {
    let position = positions[index]!;
    while (!position.done) {
      const page = await doc.send(
        new ScanCommand({
          TableName: tableName,
          Segment: position.segment,
          TotalSegments: segments,
          Limit: options.pageSize ?? 500,
          FilterExpression: 'attribute_not_exists(#shard)',
          ProjectionExpression: 'organizationId, shopifyId',
          ExpressionAttributeNames: { '#shard': UPDATED_SHARD_ATTRIBUTE },
          ...(position.lastKey && { ExclusiveStartKey: position.lastKey }),
        }),
      );
      const items = page.Items ?? [];
      report.found += items.length;
      let next = 0;
      const worker = async () => {
        while (next < items.length) await giveShard(items[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, items.length) }, worker));
      position = page.LastEvaluatedKey
        ? { segment: position.segment, lastKey: page.LastEvaluatedKey, done: false }
        : { segment: position.segment, done: true };
      positions[index] = position;
      if (position.done) report.segmentsDone += 1;
      await save();
      options.onPage?.({ ...report });
    }
  };

  await Promise.all(positions.map((_, index) => runSegment(index)));
  await saving;
  return report;
}

/** Records with an update time that the sharded index does not hold yet (0: the backfill is complete). */
export async function countUnsharded(doc: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let count = 0;
  let lastKey: Key | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression: 'attribute_not_exists(#shard) AND attribute_exists(shopifyUpdatedAt)',
        ExpressionAttributeNames: { '#shard': UPDATED_SHARD_ATTRIBUTE },
        ...(lastKey && { ExclusiveStartKey: lastKey }),
      }),
    );
    count += page.Count ?? 0;
    lastKey = page.LastEvaluatedKey;
  } while (lastKey);
  return count;
}
