/**
 * The page pipeline every sync runs its records through, paged or bulk: parse (the definition's
 * node schema) → map (to records) → write (conditional, newest-wins) → settle (tally, then
 * checkpoint), oldest page first. A paged sync feeds it GraphQL pages, a bulk sync batches of
 * JSONL lines; what a page is and how its checkpoint is saved is theirs, the rest is here once.
 */
import type { Logger } from '../logger.js';
import type { MirroredRecord, RecordOwner } from '../../resources/kit/mirrored-record.js';
import {
  recordsOf,
  type RecordWriter,
  type ResourceDefinition,
  type WriteCounts,
} from '../../resources/kit/definition.js';
import { PageWrites } from './page-writes.js';
import type { ResourceProgress } from './progress.js';

/** What settling a page adds to the resource's counters besides its write outcomes. */
export interface PageTally {
  /** Nodes Shopify returned for the page (lines, for a bulk batch). */
  readonly seen: number;
  /** Of those, the ones that failed validation. */
  readonly invalid: number;
}

/**
 * Parse: the nodes that pass the definition's schema. The others are counted and logged by id and
 * field path, never by their data, and never block the rest of the store.
 */
export const parseNodes = <TNode>(
  definition: Pick<ResourceDefinition<TNode>, 'name' | 'nodeSchema'>,
  raws: readonly unknown[],
  logger: Logger,
): { readonly nodes: TNode[]; readonly invalid: number } => {
  const nodes: TNode[] = [];
  let invalid = 0;
  for (const raw of raws) {
    const parsed = definition.nodeSchema.safeParse(raw);
    if (parsed.success) {
      nodes.push(parsed.data);
      continue;
    }
    invalid += 1;
    logger.warn('Skipping a node that failed validation', {
      resource: definition.name,
      gid: typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined,
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.code}`),
    });
  }
  return { nodes, invalid };
};

/** Map: the records of parsed nodes, owned by the store being synced. */
/**
 * What a page counts as seen: its nodes, or, for a resource whose node holds several records (a
 * location with its inventory levels), its records, so that "seen" and a progress line's total
 * (the levels in the store) count the same things.
 */
export const seenOf = (
  definition: Pick<ResourceDefinition<never, MirroredRecord>, 'toRecords'>,
  nodes: number,
  records: number,
): number => (definition.toRecords ? records : nodes);

export const toRecords = <TNode, TRecord extends MirroredRecord>(
  definition: Pick<ResourceDefinition<TNode, TRecord>, 'name' | 'toRecord' | 'toRecords'>,
  nodes: readonly TNode[],
  owner: RecordOwner,
): TRecord[] => nodes.flatMap((node) => recordsOf(definition, node, owner));

/**
 * Write and settle. A page's writes start while the previous page's last ones are in flight
 * (PageWrites), so at most two pages are being written; a page settles (its `settle` step: the
 * tally and the checkpoint) once its own writes are done, oldest first, so a checkpoint never
 * covers a record not yet written.
 */
export class PagePipeline<TRecord, TPage extends PageTally> {
  private readonly writes: PageWrites<TRecord>;
  private readonly unsettled: { readonly page: TPage; readonly writing: Promise<WriteCounts> }[] = [];

  constructor(
    writer: RecordWriter<TRecord>,
    concurrency: number,
    private readonly settle: (page: TPage, counts: WriteCounts) => Promise<void>,
    /** The records are likely not stored yet (a full sync): see PageWrites. */
    fullSync = false,
  ) {
    this.writes = new PageWrites(writer, concurrency, fullSync);
  }

  /** Starts a page's writes; the page before it settles while they run. */
  async write(records: readonly TRecord[], page: TPage): Promise<void> {
    this.unsettled.push({ page, writing: this.writes.start(records) });
    if (this.unsettled.length > 1) await this.settleOldest();
  }

  /** The oldest unsettled page's writes, to wait for beside other work; undefined if none. */
  oldestWriting(): Promise<WriteCounts> | undefined {
    return this.unsettled[0]?.writing;
  }

  async settleOldest(): Promise<void> {
    const { page, writing } = this.unsettled.shift()!;
    await this.settle(page, await writing);
  }

  async settleAll(): Promise<void> {
    while (this.unsettled.length > 0) await this.settleOldest();
  }

  /** On failure: lets every write in flight land (they are conditional: harmless), starts none. */
  abandon(): Promise<void> {
    return this.writes.abandon();
  }
}

/** A settled page's counts added to its resource's. */
export const tally = (
  progress: ResourceProgress,
  seen: number,
  invalid: number,
  writes: WriteCounts,
): ResourceProgress => ({
  ...progress,
  pages: progress.pages + 1,
  seen: progress.seen + seen,
  invalid: progress.invalid + invalid,
  written: progress.written + writes.written,
  stale: progress.stale + writes.stale,
  redacted: progress.redacted + writes.redacted,
});
