import { describe, expect, it } from 'vitest';
import { WriteSlots } from '../../../lambdas/core/sync/page-writes.js';

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
