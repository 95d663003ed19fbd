/**
 * The bulk strategy of the resource pipeline: a full sync of a large store as one Shopify bulk
 * operation instead of thousands of pages. Bulk operations cost no bucket points and have no
 * 25,000-object listing limit; the result is a JSONL file, streamed line by line and written with
 * the same mapping and conditional writes as a page. The checkpoint is the operation id and a
 * line offset, so a killed worker resumes at the line where it stopped.
 *
 * What Shopify may do, and what happens:
 * - "already in progress" / "limit reached" (a bulk operation of this app and shop is running):
 *   wait and ask again, never fail; a paused invocation continues later.
 * - FAILED, CANCELED, EXPIRED: start a new operation, a bounded number of times; then the attempt
 *   fails and the run is retried like any transient failure. A FAILED operation's partial data is
 *   written first (its snapshots are as valid as any page's).
 * - An expired or vanished result URL: start a new operation from line 0.
 *
 * The run's watermark stays the run's start (run-sync.ts), which is never after the operation's
 * start: nothing changed after the operation's snapshot is missed by the next incremental sync.
 */
import { isRunning, pollBulkOperation, pollDelays, startBulkOperation } from '../bulk/operations.js';
import { type BulkResultReader, BulkResultUnavailableError } from '../bulk/ports.js';
import type { Logger } from '../logger.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import type {
  RecordOwner,
  RecordWriter,
  ResourceDefinition,
  WriteCounts,
} from '../../resources/kit/definition.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import { addCallStats, type BulkCheckpoint } from './progress.js';
import { PageWrites } from './page-writes.js';
import { type ResourceStep, type ResourceSyncResult, tally } from './sync-engine.js';

/** Operations started for one sync before the attempt fails (and SQS retries it later). */
export const MAX_BULK_ATTEMPTS = 3;
/** Lines written (and checkpointed) at a time. */
export const BULK_BATCH_LINES = 500;

export class BulkOperationFailedError extends Error {
  constructor(status: string, errorCode: string | null, attempts: number) {
    super(`Bulk operation ended ${status}${errorCode ? ` (${errorCode})` : ''} after ${attempts} attempts`);
    this.name = 'BulkOperationFailedError';
  }
}

export interface BulkSyncInput<TNode, TRecord extends MirroredRecord> {
  readonly definition: ResourceDefinition<TNode, TRecord>;
  readonly graphql: ShopifyGraphql;
  readonly results: BulkResultReader;
  readonly writer: RecordWriter<TRecord>;
  readonly owner: RecordOwner;
  readonly progress: ResourceStep;
  readonly saveProgress: (progress: ResourceStep) => Promise<void>;
  readonly shouldPause: () => boolean;
  readonly writeConcurrency?: number;
  readonly logger: Logger;
  /** Waits between polls of a running operation (grows to `maxPollDelayMs`). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly firstPollDelayMs?: number;
  readonly maxPollDelayMs?: number;
  /**
   * How long one invocation polls a running operation before it hands the wait on (a paused
   * result with `waitingForOperation`): a large store's operation runs for minutes to hours, and
   * an invocation that sleeps through it is billed for every second. Without it, the invocation
   * polls until it must pause for time.
   */
  readonly waitInInvocationMs?: number;
  readonly now?: () => number;
}

export const startBulkCheckpoint = (): BulkCheckpoint => ({
  operationId: null,
  operationStartedAt: null,
  url: null,
  line: 0,
  attempts: 0,
});

export async function syncResourceInBulk<TNode, TRecord extends MirroredRecord>(
  input: BulkSyncInput<TNode, TRecord>,
): Promise<ResourceSyncResult> {
  const { definition, graphql, logger } = input;
  if (!definition.bulk) throw new Error(`${definition.name} has no bulk strategy`);
  const bulkQuery = definition.bulk.query;
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let { resource, calls } = input.progress;
  let bulk = resource.checkpoint.bulk ?? startBulkCheckpoint();
  const save = async (next: BulkCheckpoint, status = resource.status) => {
    bulk = next;
    resource = { ...resource, status, checkpoint: { ...resource.checkpoint, bulk } };
    await input.saveProgress({ resource, calls });
  };
  const paused = (): ResourceSyncResult => ({ outcome: 'paused', progress: { resource, calls } });
  const restart = async (reason: string) => {
    logger.warn('Bulk operation to be run again', {
      resource: definition.name,
      reason,
      attempts: bulk.attempts,
    });
    await save({ ...startBulkCheckpoint(), attempts: bulk.attempts });
  };
  const delays = pollDelays(input.firstPollDelayMs ?? 1000, input.maxPollDelayMs ?? 10_000);
  const now = input.now ?? Date.now;
  let waitingSince: number | undefined;

  for (;;) {
    if (bulk.operationId === null) {
      if (bulk.attempts >= MAX_BULK_ATTEMPTS) {
        const attempts = bulk.attempts;
        await save(startBulkCheckpoint());
        throw new BulkOperationFailedError('without a usable result', null, attempts);
      }
      const { started, stats } = await startBulkOperation(graphql, bulkQuery, {
        groupObjects: definition.bulk.children !== undefined,
      });
      calls = addCallStats(calls, stats);
      if (started === 'busy') {
        // Another bulk operation of this app and shop: wait for the slot, never fail for it.
        if (input.shouldPause()) return paused();
        await sleep(delays.next());
        continue;
      }
      await save(
        {
          operationId: started.id,
          operationStartedAt: started.createdAt,
          url: null,
          line: 0,
          attempts: bulk.attempts + 1,
        },
        'syncing',
      );
      logger.info('Bulk operation started', { resource: definition.name, operationId: started.id });
      delays.reset();
    }

    if (bulk.url === null) {
      const { operation, stats } = await pollBulkOperation(graphql, bulk.operationId!);
      calls = addCallStats(calls, stats);
      if (!operation) {
        await restart('operation not found');
        continue;
      }
      if (isRunning(operation.status)) {
        if (input.shouldPause()) return paused();
        waitingSince ??= now();
        if (input.waitInInvocationMs !== undefined && now() - waitingSince >= input.waitInInvocationMs)
          return { outcome: 'paused', progress: { resource, calls }, waitingForOperation: bulk.operationId! };
        await sleep(delays.next());
        continue;
      }
      if (operation.status === 'COMPLETED') {
        if (operation.url === null) {
          // Shopify's answer for a query that matched nothing.
          await save(bulk, 'completed');
          return { outcome: 'completed', progress: { resource, calls } };
        }
        await save({ ...bulk, url: operation.url });
      } else {
        if (operation.partialDataUrl) {
          const partial = await writeLines(operation.partialDataUrl, 0, { whole: false });
          if (partial === 'paused') return paused();
        }
        if (bulk.attempts >= MAX_BULK_ATTEMPTS) {
          const attempts = bulk.attempts;
          // The next delivery of this run (SQS retry, backoff) starts over with fresh attempts.
          await save(startBulkCheckpoint());
          throw new BulkOperationFailedError(operation.status, operation.errorCode, attempts);
        }
        await restart(`${operation.status}${operation.errorCode ? ` ${operation.errorCode}` : ''}`);
        continue;
      }
    }

    const outcome = await writeLines(bulk.url!, bulk.line, { checkpointed: true });
    if (outcome === 'paused') return paused();
    if (outcome === 'unavailable') {
      await restart('result URL expired');
      continue;
    }
    await save(bulk, 'completed');
    logger.info('Bulk sync finished', {
      resource: definition.name,
      lines: bulk.line,
      written: resource.written,
    });
    return { outcome: 'completed', progress: { resource, calls } };
  }

  /**
   * Writes lines from `fromLine` in batches of about BULK_BATCH_LINES lines; after each, the
   * checkpoint (when `checkpointed`) is the first line not yet written. A nested definition's
   * child lines (`__parentId`) are gathered under the parent line they follow: only the current
   * parent is held, a batch ends only at a parent's first line, so a resumed read never starts
   * among a parent's children. `whole: false` (a failed operation's partial data, which may stop
   * among the last parent's children) leaves the last parent out. A flat definition's query
   * selects no nested connection, so it has no child lines to gather.
   */
  async function writeLines(
    url: string,
    fromLine: number,
    {
      checkpointed = false,
      whole = true,
    }: { readonly checkpointed?: boolean; readonly whole?: boolean } = {},
  ): Promise<'done' | 'paused' | 'unavailable'> {
    const childField = definition.bulk?.children?.connection;
    let line = fromLine;
    let batch: unknown[] = [];
    let batchLines = 0;
    let parent: GatheredParent | undefined;
    // A batch's writes start while the previous batch's last ones are in flight (PageWrites, as
    // for pages); a batch settles (tally, checkpoint) once its own writes are done, oldest first.
    const writes = new PageWrites(input.writer, input.writeConcurrency ?? 16);
    const unsettled: { writing: Promise<WriteCounts>; seen: number; invalid: number; through: number }[] = [];
    const settleOldest = async () => {
      const written = unsettled.shift()!;
      resource = tally(resource, written.seen, written.invalid, await written.writing);
      if (checkpointed) await save({ ...bulk, line: written.through });
      else await input.saveProgress({ resource, calls });
    };
    const settleAll = async () => {
      while (unsettled.length > 0) await settleOldest();
    };
    const flush = async (through: number) => {
      const records: TRecord[] = [];
      let invalid = 0;
      for (const raw of batch) {
        const parsed = definition.nodeSchema.safeParse(raw);
        if (parsed.success) records.push(definition.toRecord(parsed.data, input.owner));
        else {
          invalid += 1;
          logger.warn('Skipping a node that failed validation', {
            resource: definition.name,
            gid: typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined,
            issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.code}`),
          });
        }
      }
      unsettled.push({ writing: writes.start(records), seen: batch.length, invalid, through });
      batch = [];
      batchLines = 0;
      // The previous batch settles while this one is written.
      if (unsettled.length > 1) await settleOldest();
    };
    const close = (gathered: GatheredParent) => {
      batch.push({
        ...gathered.node,
        [childField!]: { nodes: gathered.children, pageInfo: { hasNextPage: false, endCursor: null } },
      });
      batchLines += gathered.children.length + 1;
    };
    try {
      for await (const text of input.results.lines(url, fromLine)) {
        const at = line;
        line += 1;
        const { __parentId: parentId, ...node } = JSON.parse(text) as Record<string, unknown>;
        if (parentId !== undefined) {
          if (childField === undefined) continue;
          if (parent?.id !== parentId) throw new BulkResultNotGroupedError(definition.name, at);
          parent.children.push(node);
          continue;
        }
        if (childField === undefined) {
          batch.push(node);
          batchLines += 1;
        } else {
          if (parent) close(parent);
          parent = { id: String(node['id']), startLine: at, node, children: [] };
        }
        if (batchLines >= BULK_BATCH_LINES) {
          await flush(parent?.startLine ?? line);
          if (input.shouldPause()) {
            await settleAll();
            return 'paused';
          }
        }
      }
      if (parent && whole) close(parent);
      if (batch.length > 0) await flush(line);
      await settleAll();
      return 'done';
    } catch (error) {
      if (error instanceof BulkResultUnavailableError) {
        // What was read before the URL expired is written and checkpointed like any batch.
        try {
          await settleAll();
        } catch (writeError) {
          await writes.abandon();
          throw writeError;
        }
        return 'unavailable';
      }
      // Writes in flight land (or fail) before the caller handles the failure.
      await writes.abandon();
      throw error;
    }
  }
}

/** A parent line and the child lines gathered under it so far. */
interface GatheredParent {
  readonly id: string;
  /** Its line in the file: where a read resumes to gather it again. */
  readonly startLine: number;
  readonly node: Record<string, unknown>;
  readonly children: unknown[];
}

/**
 * A child line that does not follow its parent: the file is not grouped (an operation run
 * without `groupObjects`), and writing its parents would write them without some children.
 */
export class BulkResultNotGroupedError extends Error {
  constructor(resource: string, line: number) {
    super(`Bulk result for ${resource}: line ${line} is a child not listed under its parent`);
    this.name = 'BulkResultNotGroupedError';
  }
}
