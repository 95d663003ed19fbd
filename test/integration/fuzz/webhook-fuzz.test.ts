/**
 * Short webhook fuzz (1,000 generated requests) through the local runtime's HTTP server and the
 * real webhook handler. The full 10,000-request run is `npm run bench -- --only Fuzz`.
 */
// First: silences the handlers' logger and metrics before they are imported.
import '../../../bench/support/quiet.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fuzzTargetOf, fuzzWebhooks } from '../../../bench/fuzz/webhook-fuzz.js';
import { benchRuntime, type BenchRuntime } from '../../../bench/support/runtime.js';

let bench: BenchRuntime;
beforeAll(async () => {
  bench = await benchRuntime(inject('dynamoEndpoint'));
});
afterAll(async () => {
  await bench?.stop();
});

describe('webhook endpoint under fuzzing', () => {
  it('answers 1,000 generated requests without a 5xx, rejects with a message, writes nothing for rejections, and stays healthy', async () => {
    const shopDomain = 'fuzz-test.myshopify.com';
    await bench.connect(shopDomain, 'shpat_fuzz_test');
    const report = await fuzzWebhooks(fuzzTargetOf(bench, shopDomain), { requests: 1000, seed: 7 });
    const serverErrors = Object.entries(report.byStatus).filter(([status]) => Number(status) >= 500);
    expect(serverErrors).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.poisonWrites).toBe(0);
    expect(report.idempotencyGrowth).toBeLessThanOrEqual(report.acceptedDeliveries);
    // Every kind of request was generated, and some of each outcome happened.
    expect(Object.keys(report.byIntent).sort()).toEqual(
      ['bad-body', 'bad-signature', 'oversized', 'unknown-shop', 'valid', 'valid-base64'].sort(),
    );
    expect(report.byStatus['401']).toBeGreaterThan(0);
    expect(report.byStatus['413']).toBeGreaterThan(0);
    expect(report.acceptedDeliveries).toBeGreaterThan(0);
    expect(report.finalRequestStatus).toBe(200);
    expect(report.finalRequestStored).toBe(true);
  });
});
