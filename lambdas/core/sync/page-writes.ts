import type {
  NewRecordGuess,
  RecordWriter,
  WriteCounts,
  WriteSlotPool,
} from '../../resources/kit/definition.js';

/**
 * A counting semaphore for writes of several pages in flight together: they hold at most `size`
 * slots, so the write concurrency stays the configured one however the pages overlap. A freed
 * slot goes to the oldest page waiting for one: first come, first served would hand it to the
 * newer page, whose writers queued before the older page's writer came back for its next
 * record, and the older page (whose checkpoint everything waits for) would finish last.
 */
export class WriteSlots {
  private free: number;
  private readonly waiting: { readonly page: number; readonly grant: () => void }[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** The slots as one page's writes see them; `page` orders the pages, oldest lowest. */
  forPage(page: number): WriteSlotPool {
    return { acquire: () => this.acquire(page), release: () => this.release() };
  }

  private async acquire(page: number): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((grant) => {
      const after = this.waiting.findIndex((waiter) => waiter.page > page);
      this.waiting.splice(after === -1 ? this.waiting.length : after, 0, { page, grant });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.free += 1;
  }
}

/**
 * A full sync's guess that its records are not stored yet, kept while it holds: at most a few,
 * or under a quarter, of the records tried turned out to exist. Webhooks that beat the initial
 * sync to a few records are expected; a resync of a mirrored store is not worth the guess.
 */
export class NewRecordOdds implements NewRecordGuess {
  private static readonly GRACE = 8;
  private tried = 0;
  private found = 0;

  get worthTrying(): boolean {
    return this.found < NewRecordOdds.GRACE || this.found * 4 <= this.tried;
  }

  observe(existed: boolean): void {
    this.tried += 1;
    if (existed) this.found += 1;
  }
}

const nothingWritten: WriteCounts = { written: 0, stale: 0, redacted: 0 };

/**
 * Pages of records written one after another without draining the writes between them: a page's
 * writes start while the previous page's last ones are still in flight, through one set of
 * slots. Draining at every page end left ever fewer writes in flight for a round trip, and none
 * while the next page was mapped. The caller takes outcomes in page order, so a checkpoint still
 * follows its own page's writes and every earlier page's.
 *
 * On any failure the caller `abandon`s: everything still in flight finishes first (the writes
 * are conditional, so finishing them is harmless), and nothing is written after it returns.
 */
export class PageWrites<TRecord> {
  private readonly slots: WriteSlots;
  private readonly started: Promise<unknown>[] = [];
  private pages = 0;
  private failure: { readonly error: unknown } | undefined;
  private readonly newRecords: NewRecordGuess | undefined;

  /** `fullSync`: the records are likely not stored yet (no watermark), see NewRecordOdds. */
  constructor(
    private readonly writer: RecordWriter<TRecord>,
    private readonly concurrency: number,
    fullSync = false,
  ) {
    this.slots = new WriteSlots(concurrency);
    this.newRecords = fullSync ? new NewRecordOdds() : undefined;
  }

  /**
   * Starts a page's writes; the promise is its outcome (it rejects if a write failed). Once any
   * page's writes have failed, no more start: this throws that failure instead, so a dying
   * worker does not write pages it will have to read again.
   */
  start(records: readonly TRecord[]): Promise<WriteCounts> {
    if (this.failure) throw this.failure.error;
    const writing = records.length
      ? this.writer.upsertMany(records, {
          concurrency: this.concurrency,
          slots: this.slots.forPage(this.pages++),
          ...(this.newRecords && { newRecords: this.newRecords }),
        })
      : Promise.resolve(nothingWritten);
    const settled = writing.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.started.push(settled);
    void settled.then(() => this.started.splice(this.started.indexOf(settled), 1));
    return writing;
  }

  /** Waits for every page still in flight, whatever its outcome. */
  async abandon(): Promise<void> {
    await Promise.all([...this.started]);
  }
}
