/**
 * Short chaos convergence: a few seeded histories with duplicated, reordered, delayed and dropped
 * webhooks, Admin API faults and killed or timed-out sync workers must leave the mirror equal to
 * the store. The full run is `npm run chaos -- --seeds 50`.
 */
// First: silences the handlers' logger and metrics before they are imported.
import '../../../bench/support/quiet.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosRuntime, runChaosSeed } from '../../../bench/chaos/run-seed.js';
import type { BenchRuntime } from '../../../bench/support/runtime.js';

let bench: BenchRuntime;
beforeAll(async () => {
  bench = await chaosRuntime(inject('dynamoEndpoint'));
});
afterAll(async () => {
  await bench?.stop();
});

describe('chaos convergence (short)', () => {
  for (const seed of [101, 202]) {
    it(`seed ${seed}: the mirror equals the store after faults, duplicates, drops and killed workers (replay: npm run chaos -- --seed ${seed} --mutations 200)`, async () => {
      const report = await runChaosSeed(bench, { seed, mutations: 200, initialCustomers: 30 });
      expect(report.mirror.byClass).toEqual({ lost: 0, stale: 0, resurrected: 0, falselyDeleted: 0 });
      expect(report.mirror.expectedActive).toBeGreaterThan(0);
      expect(report.mirror.expectedDeleted).toBeGreaterThan(0);
      // The run really was chaotic: something was dropped and some worker was sabotaged.
      expect(report.deliveries['dropped'] ?? 0).toBeGreaterThan(0);
      expect(Object.values(report.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  }
});
