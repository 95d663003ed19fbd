/**
 * Short chaos convergence, per webhook delivery mode: seeded histories of customers, orders and
 * products with duplicated, reordered, delayed and dropped webhooks, Admin API faults and killed
 * or timed-out sync workers must leave the mirror equal to the store, table by table.
 */
// First: silences the handlers' logger and metrics before they are imported.
import '../../../bench/support/quiet.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosRuntime, runChaosSeed, type WebhookDeliveryMode } from '../../../bench/chaos/run-seed.js';
import type { BenchRuntime } from '../../../bench/support/runtime.js';

/** One runtime (real handlers) per process: each delivery mode runs from its own test file. */
export function describeChaos(mode: WebhookDeliveryMode, seeds: readonly number[]): void {
  let bench: BenchRuntime;
  beforeAll(async () => {
    bench = await chaosRuntime(inject('dynamoEndpoint'), mode);
  });
  afterAll(async () => {
    await bench?.stop();
  });

  describe(`chaos convergence (short), webhooks over ${mode}`, () => {
    const replayMode = mode === 'https' ? '' : ` --mode ${mode}`;
    for (const seed of seeds) {
      it(`seed ${seed}: the mirror equals the store after faults, duplicates, drops and killed workers (replay: npm run chaos -- --seed ${seed} --mutations 240${replayMode})`, async () => {
        const report = await runChaosSeed(bench, {
          seed,
          mutations: 240,
          initialCustomers: 30,
          initialOrders: 12,
          initialProducts: 8,
        });
        for (const resource of ['customers', 'orders', 'products'] as const) {
          const mirror = report.mirror[resource];
          expect({ resource, ...mirror.byClass }).toEqual({
            resource,
            lost: 0,
            stale: 0,
            resurrected: 0,
            falselyDeleted: 0,
          });
          expect(mirror.expectedActive).toBeGreaterThan(0);
          // Each resource lived through creates, updates and deletes, not just its seed data.
          expect(mirror.expectedDeleted).toBeGreaterThan(0);
          expect(report.history[`${resource}.create`]).toBeGreaterThan(0);
          expect(report.history[`${resource}.update`]).toBeGreaterThan(0);
        }
        // The webhooks really took this mode's path.
        const onPartnerBus = bench.runtime.events.ofType('shopifyWebhook').length;
        if (mode === 'eventbridge') expect(onPartnerBus).toBeGreaterThan(0);
        else expect(onPartnerBus).toBe(0);
        // The run really was chaotic: something was dropped and some worker was sabotaged.
        expect(report.deliveries['dropped'] ?? 0).toBeGreaterThan(0);
        expect(Object.values(report.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      }, 240_000); // ~35 s alone; three resources' histories under the whole suite's load take longer
    }
  });
}
