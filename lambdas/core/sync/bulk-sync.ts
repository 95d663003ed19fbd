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
  NestedBulkConnection,
  RecordOwner,
  RecordWriter,
  ResourceDefinition,
} from '../../resources/kit/definition.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import {
  addCallStats,
  type BulkCheckpoint,
  type CallCounters,
  type ResourceProgress,
  type ResourceStep,
  type ResourceSyncResult,
} from './progress.js';
import { PagePipeline, type PageTally, parseNodes, seenOf, tally, toRecords } from './page-pipeline.js';

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

export const syncResourceInBulk = <TNode, TRecord extends MirroredRecord>(
  input: BulkSyncInput<TNode, TRecord>,
): Promise<ResourceSyncResult> => new BulkSync(input).run();

/** What to do after a step of the operation's lifecycle: go round again, write its result, or stop. */
type Step = 'again' | 'write' | ResourceSyncResult;

class BulkSync<TNode, TRecord extends MirroredRecord> {
  private readonly bulkQuery: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly delays: ReturnType<typeof pollDelays>;
  private readonly now: () => number;
  private resource: ResourceProgress;
  private calls: CallCounters;
  private bulk: BulkCheckpoint;
  private waitingSince: number | undefined;

  constructor(private readonly input: BulkSyncInput<TNode, TRecord>) {
    const { definition } = input;
    if (!definition.bulk) throw new Error(`${definition.name} has no bulk strategy`);
    this.bulkQuery = definition.bulk.query;
    this.sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.delays = pollDelays(input.firstPollDelayMs ?? 1000, input.maxPollDelayMs ?? 10_000);
    this.now = input.now ?? Date.now;
    ({ resource: this.resource, calls: this.calls } = input.progress);
    this.bulk = this.resource.checkpoint.bulk ?? startBulkCheckpoint();
  }

  async run(): Promise<ResourceSyncResult> {
    for (;;) {
      const step =
        this.bulk.operationId === null
          ? await this.startOperation()
          : this.bulk.url === null
            ? await this.awaitResult()
            : await this.writeResult();
      if (step !== 'again' && step !== 'write') return step;
    }
  }

  private async startOperation(): Promise<Step> {
    const { definition, logger } = this.input;
    if (this.bulk.attempts >= MAX_BULK_ATTEMPTS) {
      const attempts = this.bulk.attempts;
      await this.save(startBulkCheckpoint());
      throw new BulkOperationFailedError('without a usable result', null, attempts);
    }
    const { started, stats } = await startBulkOperation(this.input.graphql, this.bulkQuery, {
      groupObjects: definition.bulk!.children !== undefined,
    });
    this.calls = addCallStats(this.calls, stats);
    // Another bulk operation of this app and shop: wait for the slot, never fail for it.
    if (started === 'busy') return this.waitABit();
    const attempts = this.bulk.attempts + 1;
    await this.save(
      { operationId: started.id, operationStartedAt: started.createdAt, url: null, line: 0, attempts },
      'syncing',
    );
    logger.info('Bulk operation started', { resource: definition.name, operationId: started.id });
    this.delays.reset();
    return 'again';
  }

  /** Polls the operation once: still running, finished with a result to write, or to run again. */
  private async awaitResult(): Promise<Step> {
    const { operation, stats } = await pollBulkOperation(this.input.graphql, this.bulk.operationId!);
    this.calls = addCallStats(this.calls, stats);
    if (!operation) return this.restart('operation not found');
    if (isRunning(operation.status)) {
      if (this.input.shouldPause()) return this.paused();
      this.waitingSince ??= this.now();
      const { waitInInvocationMs } = this.input;
      if (waitInInvocationMs !== undefined && this.now() - this.waitingSince >= waitInInvocationMs)
        return { ...this.paused(), waitingForOperation: this.bulk.operationId! };
      await this.sleep(this.delays.next());
      return 'again';
    }
    if (operation.status === 'COMPLETED') {
      // No URL: Shopify's answer for a query that matched nothing.
      if (operation.url === null) return this.completed();
      await this.save({ ...this.bulk, url: operation.url });
      return 'write';
    }
    if (operation.partialDataUrl) {
      const partial = await this.writeLines(operation.partialDataUrl, 0, { whole: false });
      if (partial === 'paused') return this.paused();
    }
    if (this.bulk.attempts >= MAX_BULK_ATTEMPTS) {
      const attempts = this.bulk.attempts;
      // The next delivery of this run (SQS retry, backoff) starts over with fresh attempts.
      await this.save(startBulkCheckpoint());
      throw new BulkOperationFailedError(operation.status, operation.errorCode, attempts);
    }
    return this.restart(`${operation.status}${operation.errorCode ? ` ${operation.errorCode}` : ''}`);
  }

  private async writeResult(): Promise<Step> {
    const outcome = await this.writeLines(this.bulk.url!, this.bulk.line, { checkpointed: true });
    if (outcome === 'paused') return this.paused();
    if (outcome === 'unavailable') return this.restart('result URL expired');
    const completed = await this.completed();
    this.input.logger.info('Bulk sync finished', {
      resource: this.input.definition.name,
      lines: this.bulk.line,
      written: this.resource.written,
    });
    return completed;
  }

  /** Pauses if the invocation must stop, else sleeps before asking again. */
  private async waitABit(): Promise<Step> {
    if (this.input.shouldPause()) return this.paused();
    await this.sleep(this.delays.next());
    return 'again';
  }

  private async restart(reason: string): Promise<Step> {
    this.input.logger.warn('Bulk operation to be run again', {
      resource: this.input.definition.name,
      reason,
      attempts: this.bulk.attempts,
    });
    await this.save({ ...startBulkCheckpoint(), attempts: this.bulk.attempts });
    return 'again';
  }

  private async save(next: BulkCheckpoint, status = this.resource.status): Promise<void> {
    this.bulk = next;
    this.resource = { ...this.resource, status, checkpoint: { ...this.resource.checkpoint, bulk: next } };
    await this.input.saveProgress({ resource: this.resource, calls: this.calls });
  }

  private async completed(): Promise<ResourceSyncResult> {
    await this.save(this.bulk, 'completed');
    return { outcome: 'completed', progress: { resource: this.resource, calls: this.calls } };
  }

  private paused(): Extract<ResourceSyncResult, { outcome: 'paused' }> {
    return { outcome: 'paused', progress: { resource: this.resource, calls: this.calls } };
  }

  /**
   * Writes lines from `fromLine` through the page pipeline, in batches of about BULK_BATCH_LINES
   * lines; after each, the checkpoint (when `checkpointed`) is the first line not yet written.
   * `whole: false` (a failed operation's partial data, which may stop among the last parent's
   * children) leaves the last parent out.
   */
  private async writeLines(
    url: string,
    fromLine: number,
    {
      checkpointed = false,
      whole = true,
    }: { readonly checkpointed?: boolean; readonly whole?: boolean } = {},
  ): Promise<'done' | 'paused' | 'unavailable'> {
    const { definition, logger, owner } = this.input;
    const pipeline = new PagePipeline<TRecord, LineBatch>(
      this.input.writer,
      this.input.writeConcurrency ?? 16,
      async (batch, counts) => {
        this.resource = tally(this.resource, batch.seen, batch.invalid, counts);
        if (checkpointed) await this.save({ ...this.bulk, line: batch.through });
        else await this.input.saveProgress({ resource: this.resource, calls: this.calls });
      },
      // A bulk sync is a full sync (resource-loop.ts): its records are mostly not stored yet.
      true,
    );
    // Not async, and the batch's lines emptied once mapped: the lines and parsed nodes would
    // otherwise stay reachable from frames suspended while earlier batches settle (this one's,
    // the loop's, the generator's), long enough for V8 to promote them to the old generation,
    // where only full collections free them; the peak RSS then grew with the store (P3).
    const write = (lines: unknown[], through: number): Promise<void> => {
      const { nodes, invalid } = parseNodes(definition, lines, logger);
      const records = toRecords(definition, nodes, owner);
      const seen = seenOf(definition, lines.length, records.length + invalid);
      lines.length = 0;
      return pipeline.write(records, { seen, invalid, through });
    };
    try {
      for await (const batch of lineBatches(
        this.input.results.lines(url, fromLine),
        fromLine,
        definition,
        whole,
      )) {
        await write(batch.nodes, batch.through);
        if (!batch.final && this.input.shouldPause()) {
          await pipeline.settleAll();
          return 'paused';
        }
      }
      await pipeline.settleAll();
      return 'done';
    } catch (error) {
      if (error instanceof BulkResultUnavailableError) {
        // What was read before the URL expired is written and checkpointed like any batch.
        try {
          await pipeline.settleAll();
        } catch (writeError) {
          await pipeline.abandon();
          throw writeError;
        }
        return 'unavailable';
      }
      // Writes in flight land (or fail) before the caller handles the failure.
      await pipeline.abandon();
      throw error;
    }
  }
}

/** A batch of result lines in the pipeline: settling it checkpoints `through`. */
interface LineBatch extends PageTally {
  /** The first line not yet written once this batch is. */
  readonly through: number;
}

/**
 * The result file in batches of about BULK_BATCH_LINES lines. A nested definition's child lines
 * (`__parentId`) are gathered under the parent line they follow: only the current parent is
 * held, a batch ends only at a parent's first line, so a resumed read never starts among a
 * parent's children. A flat definition's query selects no nested connection, so it has no child
 * lines to gather. The batch after the file's end is `final` (no pause is taken after it).
 */
async function* lineBatches(
  lines: AsyncIterable<string>,
  fromLine: number,
  definition: Pick<ResourceDefinition<unknown>, 'name' | 'bulk'>,
  whole: boolean,
): AsyncGenerator<{ readonly nodes: unknown[]; readonly through: number; readonly final: boolean }> {
  const children = definition.bulk?.children;
  let line = fromLine;
  let batch: unknown[] = [];
  let batchLines = 0;
  let parent: GatheredParent | undefined;
  const close = (gathered: GatheredParent) => {
    batch.push({ ...gathered.node, [children!.connection]: wholePage(gathered.children) });
    batchLines += gathered.lines;
  };
  for await (const text of lines) {
    const at = line;
    line += 1;
    const { __parentId: parentId, ...node } = JSON.parse(text) as Record<string, unknown>;
    if (parentId !== undefined) {
      if (children === undefined) continue;
      if (!parent || !gatherChild(parent, parentId as string, node)) {
        throw new BulkResultNotGroupedError(definition.name, at);
      }
      continue;
    }
    if (children === undefined) {
      batch.push(node);
      batchLines += 1;
    } else {
      if (parent) close(parent);
      parent = gatheredParent(node, at, children.nested ?? [], children.alongside ?? []);
    }
    if (batchLines >= BULK_BATCH_LINES) {
      yield { nodes: batch, through: parent?.startLine ?? line, final: false };
      batch = [];
      batchLines = 0;
    }
  }
  if (parent && whole) close(parent);
  if (batch.length > 0) yield { nodes: batch, through: line, final: true };
}

/** A gathered connection in the page's shape: every node, no further page. */
const wholePage = (nodes: unknown[]) => ({ nodes, pageInfo: { hasNextPage: false, endCursor: null } });

/** A parent line and the child lines gathered under it so far. */
interface GatheredParent {
  readonly id: string;
  /** Its line in the file: where a read resumes to gather it again. */
  readonly startLine: number;
  readonly node: Record<string, unknown>;
  readonly children: unknown[];
  /** The items of the parent's lists that own nested connections, by id, with those connections. */
  readonly owners: Map<string, { readonly connections: Map<string, unknown[]> }>;
  lines: number;
}

/**
 * Copies the parent's list items that own nested connections, each with an empty page of every
 * connection it owns (an item without child lines has none), ready to gather their lines.
 */
const gatheredParent = (
  line: Record<string, unknown>,
  startLine: number,
  nested: readonly NestedBulkConnection[],
  alongside: readonly { readonly connection: string; readonly typename: string }[],
): GatheredParent => {
  const node = { ...line };
  const owners: GatheredParent['owners'] = new Map();
  // The parent owns its further connections the way a list item owns its nested ones.
  if (alongside.length > 0) {
    const connections = new Map<string, unknown[]>();
    for (const { connection, typename } of alongside) {
      const nodes: unknown[] = [];
      connections.set(typename, nodes);
      node[connection] = wholePage(nodes);
    }
    owners.set(String(node['id']), { connections });
  }
  for (const list of new Set(nested.map((connection) => connection.list))) {
    const items = Array.isArray(node[list]) ? (node[list] as Record<string, unknown>[]) : [];
    node[list] = items.map((item) => {
      const connections = new Map<string, unknown[]>();
      const copy: Record<string, unknown> = { ...item };
      for (const { connection, typename } of nested.filter((each) => each.list === list)) {
        const nodes: unknown[] = [];
        connections.set(typename, nodes);
        copy[connection] = wholePage(nodes);
      }
      owners.set(String(item['id']), { connections });
      return copy;
    });
  }
  return { id: String(node['id']), startLine, node, children: [], owners, lines: 1 };
};

/** Puts a child line under the parent or one of its list items; false when neither owns it. */
const gatherChild = (parent: GatheredParent, parentId: string, node: Record<string, unknown>): boolean => {
  const { __typename: typename, ...fields } = node;
  let into = parent.owners.get(parentId)?.connections.get(String(typename));
  if (!into && parentId === parent.id) into = parent.children;
  if (!into) return false;
  into.push(fields);
  parent.lines += 1;
  return true;
};

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
