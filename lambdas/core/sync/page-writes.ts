import type { RecordWriter, WriteCounts, WriteSlotPool } from '../resources/resource-definition.js';

/**
 * A counting semaphore: writes of several pages in flight together hold at most `size` slots,
 * so the write concurrency stays the configured one however the pages overlap.
 */
export class WriteSlots implements WriteSlotPool {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    // FIFO: the older page's records get the next slot, so pages finish in order.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
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

  constructor(
    private readonly writer: RecordWriter<TRecord>,
    private readonly concurrency: number,
  ) {
    this.slots = new WriteSlots(concurrency);
  }

  /** Starts a page's writes; the promise is its outcome (it rejects if a write failed). */
  start(records: readonly TRecord[]): Promise<WriteCounts> {
    const writing = records.length
      ? this.writer.upsertMany(records, { concurrency: this.concurrency, slots: this.slots })
      : Promise.resolve(nothingWritten);
    const settled = writing.then(
      () => undefined,
      () => undefined,
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
