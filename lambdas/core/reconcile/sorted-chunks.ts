/**
 * Listed ids kept as sorted chunks (one stored item per batch of ~1,000 ids, reconcile-listing-
 * store.ts) and read back as one ascending sequence. An item per id made a 100k-store reconcile
 * write 100,000 items a day to learn that usually nothing was deleted; an item per batch writes
 * ~100.
 *
 * A batch is sorted before it is stored, but batches may overlap each other in string order
 * (Shopify lists ids in numeric order, and `"999" > "1000"` as strings; nothing promises any order
 * at all). So the chunks come in the order of their smallest id and are merged: a chunk is loaded
 * only once the merge reaches its smallest id, and dropped when used up. Memory is the chunks that
 * overlap at one point: one or two for a file in id order (one more per id length), all of them
 * only for a file in no order at all.
 */

/** One stored batch: its smallest id (what chunks are ordered by) and how to read it. */
export interface SortedChunk {
  readonly first: string;
  /** The chunk's ids, ascending in string order. */
  readonly ids: () => readonly string[];
}

/** A batch of ids as stored: deduplicated and ascending in string order (the mirror index's). */
export const sortedChunk = (ids: readonly string[]): string[] =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

interface Cursor {
  readonly ids: readonly string[];
  at: number;
}

/**
 * Every id of `chunks` (ascending by `first`) in ascending string order, each once, in pages of
 * at most `pageSize`.
 */
export async function* mergeSortedChunks(
  chunks: AsyncIterable<SortedChunk>,
  pageSize = 1000,
): AsyncGenerator<string[]> {
  const source = chunks[Symbol.asyncIterator]();
  let pending = await source.next();
  const heap = new CursorHeap();
  let page: string[] = [];
  let last: string | undefined;
  for (;;) {
    // A chunk whose smallest id is not above the merge's next id may hold ids that come first.
    while (!pending.done && (heap.size === 0 || pending.value.first <= heap.min())) {
      const ids = pending.value.ids();
      if (ids.length > 0) heap.push({ ids, at: 0 });
      pending = await source.next();
    }
    if (heap.size === 0) break;
    const id = heap.take();
    if (id === last) continue;
    last = id;
    page.push(id);
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** A binary min-heap of cursors, by each cursor's current id. */
class CursorHeap {
  private readonly items: Cursor[] = [];

  get size(): number {
    return this.items.length;
  }

  min(): string {
    const top = this.items[0]!;
    return top.ids[top.at]!;
  }

  push(cursor: Cursor): void {
    this.items.push(cursor);
    this.up(this.items.length - 1);
  }

  /** The smallest id; its cursor moves on (and leaves the heap when used up). */
  take(): string {
    const top = this.items[0]!;
    const id = top.ids[top.at]!;
    top.at += 1;
    if (top.at >= top.ids.length) {
      const last = this.items.pop()!;
      if (this.items.length > 0 && last !== top) this.items[0] = last;
    }
    if (this.items.length > 0) this.down(0);
    return id;
  }

  private key(index: number): string {
    const cursor = this.items[index]!;
    return cursor.ids[cursor.at]!;
  }

  private up(index: number): void {
    let at = index;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.key(parent) <= this.key(at)) return;
      this.swap(parent, at);
      at = parent;
    }
  }

  private down(index: number): void {
    let at = index;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let smallest = at;
      if (left < this.items.length && this.key(left) < this.key(smallest)) smallest = left;
      if (right < this.items.length && this.key(right) < this.key(smallest)) smallest = right;
      if (smallest === at) return;
      this.swap(smallest, at);
      at = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const held = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = held;
  }
}
