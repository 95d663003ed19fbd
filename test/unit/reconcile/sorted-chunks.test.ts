import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mergeSortedChunks,
  type SortedChunk,
  sortedChunk,
} from '../../../lambdas/core/reconcile/sorted-chunks.js';

/** Chunks as the listing store keeps them: each batch sorted, chunks ordered by smallest id. */
const stored = (batches: readonly (readonly string[])[]) => {
  const chunks = batches
    .filter((batch) => batch.length > 0)
    .map((batch) => sortedChunk(batch))
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  async function* read(): AsyncGenerator<SortedChunk> {
    for (const ids of chunks)
      yield {
        first: ids[0]!,
        ids: () => ids,
      };
  }
  return { read };
};

const merged = async (chunks: AsyncIterable<SortedChunk>, pageSize?: number) => {
  const pages: string[][] = [];
  for await (const page of mergeSortedChunks(chunks, pageSize)) pages.push(page);
  return pages;
};

const inBatches = (ids: readonly string[], size: number) =>
  Array.from({ length: Math.ceil(ids.length / size) }, (_, n) => ids.slice(n * size, (n + 1) * size));

describe('the reconcile listing read back from sorted chunks', () => {
  it('gives every id once, ascending in string order, whatever the batches held', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.bigInt({ min: 1n, max: 10n ** 14n }).map(String), { maxLength: 40 }), {
          maxLength: 12,
        }),
        async (batches) => {
          const { read } = stored(batches);
          const ids = (await merged(read(), 7)).flat();
          const expected = [...new Set(batches.flat())].sort();
          expect(ids).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pages hold at most the page size', async () => {
    const ids = Array.from({ length: 2_500 }, (_, n) => String(1_000_000 + n));
    const pages = await merged(stored(inBatches(ids, 1000)).read(), 1000);
    expect(pages.map((page) => page.length)).toEqual([1000, 1000, 500]);
  });

  it('holds only the chunks that overlap: at most three for a file in numeric order across an id-length boundary', async () => {
    // A store whose ids grew from 12 to 13 digits, listed in numeric order as Shopify lists them:
    // as strings the 13-digit ids ("1…") interleave with the 12-digit ones ("9…" last).
    const ids = [
      ...Array.from({ length: 30_000 }, (_, n) => String(999_999_000_000 + n * 17)),
      ...Array.from({ length: 30_000 }, (_, n) => String(1_000_000_000_000 + n * 13)),
    ];
    const { read } = stored(inBatches(ids, 1000));
    let loadedIds = 0;
    let emitted = 0;
    let mostHeld = 0;
    const watched = async function* () {
      for await (const chunk of read())
        yield {
          first: chunk.first,
          ids: () => {
            const chunkIds = chunk.ids();
            loadedIds += chunkIds.length;
            mostHeld = Math.max(mostHeld, loadedIds - emitted);
            return chunkIds;
          },
        };
    };
    let previous = '';
    for await (const [id] of mergeSortedChunks(watched(), 1)) {
      expect(id! > previous).toBe(true);
      previous = id!;
      emitted += 1;
    }
    expect(emitted).toBe(60_000);
    expect(mostHeld).toBeLessThanOrEqual(3 * 1000);
  });

  it('an empty listing reads as nothing', async () => {
    expect(await merged(stored([]).read())).toEqual([]);
  });
});
