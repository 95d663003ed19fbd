import { describe, expect, it } from 'vitest';
import { NewRecordOdds, PageWrites, WriteSlots } from '../../../lambdas/core/sync/page-writes.js';

/** Lets every pending promise chain run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteSlots', () => {
  it('never grants more slots than it has, and a freed slot goes to the oldest page waiting', async () => {
    const slots = new WriteSlots(2);
    const older = slots.forPage(0);
    const newer = slots.forPage(1);
    const granted: string[] = [];
    await older.acquire();
    await older.acquire();
    // The newer page's writers queue first; the older page's writer comes back for its next record later.
    void newer.acquire().then(() => granted.push('newer 1'));
    void newer.acquire().then(() => granted.push('newer 2'));
    void older.acquire().then(() => granted.push('older'));
    await settle();
    expect(granted).toEqual([]); // both slots held

    older.release();
    await settle();
    expect(granted).toEqual(['older']);
    older.release();
    older.release();
    await settle();
    expect(granted).toEqual(['older', 'newer 1', 'newer 2']);
  });

  it('frees a slot for later when nobody waits', async () => {
    const slots = new WriteSlots(1);
    const page = slots.forPage(0);
    await page.acquire();
    page.release();
    let second = false;
    void page.acquire().then(() => (second = true));
    await settle();
    expect(second).toBe(true);
  });
});

describe('PageWrites', () => {
  it('starts no page once a page’s writes have failed, and abandon waits for those in flight', async () => {
    const calls: string[][] = [];
    let finishSecond!: () => void;
    const writes = new PageWrites<string>(
      {
        async upsertMany(records) {
          calls.push([...records]);
          if (records[0] === 'a') throw new Error('worker killed');
          await new Promise<void>((resolve) => (finishSecond = resolve));
          return { written: records.length, stale: 0, redacted: 0 };
        },
      },
      4,
    );
    const first = writes.start(['a']);
    const second = writes.start(['b']); // started before the failure is known: it goes on
    await expect(first).rejects.toThrow('worker killed');
    expect(() => writes.start(['c'])).toThrow('worker killed');
    expect(calls).toEqual([['a'], ['b']]);

    let abandoned = false;
    const abandoning = writes.abandon().then(() => (abandoned = true));
    await settle();
    expect(abandoned).toBe(false); // page b's writes are still in flight
    finishSecond();
    await abandoning;
    expect(await second).toEqual({ written: 1, stale: 0, redacted: 0 });
  });
});

describe('NewRecordOdds', () => {
  it('keeps a full sync creating through a few records webhooks wrote first', () => {
    const odds = new NewRecordOdds();
    for (let i = 0; i < 7; i += 1) odds.observe(true);
    expect(odds.worthTrying).toBe(true);
    for (let i = 0; i < 100; i += 1) odds.observe(false);
    odds.observe(true);
    expect(odds.worthTrying).toBe(true);
  });

  it('stops trying once most records turn out to be stored (a resync of a mirrored store)', () => {
    const odds = new NewRecordOdds();
    for (let i = 0; i < 8; i += 1) odds.observe(true);
    expect(odds.worthTrying).toBe(false);
  });
});

describe('PageWrites on a full sync', () => {
  it('hands the writer one guess for all its pages, and none on an incremental sync', async () => {
    const guesses: unknown[] = [];
    const writer = {
      upsertMany: async (_records: readonly number[], options: { newRecords?: unknown }) => {
        guesses.push(options.newRecords);
        return { written: 1, stale: 0, redacted: 0 };
      },
    };
    const full = new PageWrites(writer, 2, true);
    await full.start([1]);
    await full.start([2]);
    expect(guesses[0]).toBeInstanceOf(NewRecordOdds);
    expect(guesses[1]).toBe(guesses[0]);
    await new PageWrites(writer, 2).start([3]);
    expect(guesses[2]).toBeUndefined();
  });
});
