import { describe, expect, it } from 'vitest';
import { createKnownVersions } from '../../../lambdas/adapters/dynamodb/known-versions.js';

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-01T10:00:01.000Z';
const T3 = '2026-03-01T10:00:02.000Z';

describe('known versions', () => {
  it('knows a version older than one seen stored, and only that: an equal or newer one may still land', () => {
    const known = createKnownVersions();
    known.note('a', T2);
    expect(known.hasNewerThan('a', T1)).toBe(true);
    expect(known.hasNewerThan('a', T2)).toBe(false);
    expect(known.hasNewerThan('a', T3)).toBe(false);
    expect(known.hasNewerThan('b', T1)).toBe(false);
  });

  it('keeps the newest version seen: an older item read later does not lower it', () => {
    const known = createKnownVersions();
    known.note('a', T3);
    known.note('a', T1);
    expect(known.hasNewerThan('a', T2)).toBe(true);
  });

  it('forgets a version after its time to live', () => {
    let now = 0;
    const known = createKnownVersions({ ttlMs: 1_000, now: () => now });
    known.note('a', T3);
    now = 1_000;
    expect(known.hasNewerThan('a', T1)).toBe(true);
    now = 1_001;
    expect(known.hasNewerThan('a', T1)).toBe(false);
    // An expired version does not keep a lower one out either.
    known.note('a', T3);
    now = 2_500;
    known.note('a', T1);
    expect(known.hasNewerThan('a', T2)).toBe(false);
    expect(known.hasNewerThan('a', '2026-03-01T09:00:00.000Z')).toBe(true);
  });

  it('holds at most maxKeys records, forgetting the one noted longest ago', () => {
    const known = createKnownVersions({ maxKeys: 2 });
    known.note('a', T2);
    known.note('b', T2);
    known.note('a', T3);
    known.note('c', T2);
    expect(known.hasNewerThan('b', T1)).toBe(false);
    expect(known.hasNewerThan('a', T1)).toBe(true);
    expect(known.hasNewerThan('c', T1)).toBe(true);
  });
});
