/**
 * Short chaos convergence, per webhook delivery mode: seeded histories of every registered
 * resource with duplicated, reordered, delayed and dropped webhooks, Admin API faults and killed
 * or timed-out sync workers must leave the mirror equal to the store, table by table.
 */
// First: silences the handlers' logger and metrics before they are imported.
import '../../../bench/support/quiet.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosRuntime, runChaosSeed, type WebhookDeliveryMode } from '../../../bench/chaos/run-seed.js';
import type { BenchRuntime } from '../../../bench/support/runtime.js';
import { resourceNames } from '../../../lambdas/resources/registry.js';

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
        // Every registered resource is churned and checked (a seed refuses one without a module).
        expect(Object.keys(report.mirror).sort()).toEqual([...resourceNames].sort());
        for (const resource of resourceNames) {
          const mirror = report.mirror[resource]!;
          expect({ resource, ...mirror.byClass }).toEqual({
            resource,
            lost: 0,
            stale: 0,
            resurrected: 0,
            falselyDeleted: 0,
          });
          expect(mirror.expectedActive).toBeGreaterThan(0);
          // Each resource lived through changes of the history, not just its seed data.
          const changes = Object.entries(report.history).filter(([key]) => key.startsWith(`${resource}.`));
          expect(changes.length, resource).toBeGreaterThan(0);
        }
        // Metafields were set and deleted on their owners, and the owners' records compared above
        // carry some (the mirror check compares each record's `metafields` with the Admin API's).
        expect(report.history['metafields.delete'] ?? 0).toBeGreaterThan(0);
        expect(
          (report.history['metafields.set'] ?? 0) + (report.history['metafields.set-many'] ?? 0),
        ).toBeGreaterThan(0);
        expect(report.metafields).toBeGreaterThan(0);
        // The busiest ones lived through creates, updates and deletes.
        for (const resource of ['customers', 'orders', 'inventory-levels'] as const)
          expect(report.mirror[resource]!.expectedDeleted, resource).toBeGreaterThan(0);
        // The webhooks really took this mode's path.
        const onPartnerBus = bench.runtime.events.ofType('shopifyWebhook').length;
        if (mode === 'eventbridge') expect(onPartnerBus).toBeGreaterThan(0);
        else expect(onPartnerBus).toBe(0);
        // The run really was chaotic: something was dropped and some worker was sabotaged.
        expect(report.deliveries['dropped'] ?? 0).toBeGreaterThan(0);
        expect(Object.values(report.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      }, 240_000); // ~35 s alone; every resource's history under the whole suite's load takes longer
    }
  });
}
