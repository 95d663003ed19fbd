import { fuzzFailures, fuzzTargetOf, fuzzWebhooks } from '../fuzz/webhook-fuzz.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed, rate } from '../support/figure.js';
import type { BenchRuntime } from '../support/runtime.js';

export async function webhookFuzz(bench: BenchRuntime, requests: number, seed: number): Promise<Figure> {
  const shopDomain = `fuzz-${seed}.myshopify.com`;
  await bench.connect(shopDomain, 'shpat_fuzz');
  progress(`Fuzz: ${requests} generated requests (seed ${seed}) at ${bench.webhookUrl}`);
  const report = await fuzzWebhooks(fuzzTargetOf(bench, shopDomain), {
    requests,
    seed,
    onProgress: (done) => progress(`Fuzz: ${done}/${requests}`),
  });
  const failures = fuzzFailures(report);
  const fivexx = Object.entries(report.byStatus)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    id: 'Fuzz',
    title: `webhook endpoint fuzz (${requests} requests, seed ${seed})`,
    measured: `${fivexx} 5xx, ${report.violations.length} bad answers, ${report.poisonWrites} writes by rejected requests; statuses ${JSON.stringify(report.byStatus)}; ${fixed(rate(requests, report.elapsedMs))} req/s; RSS ${report.rssBeforeMiB}->${report.rssAfterMiB} MiB`,
    baseline: '-',
    target: '0 5xx, 4xx+message, no rejected writes, healthy after',
    pass: failures.length === 0,
    data: { report: { ...report, violations: report.violations.slice(0, 20) }, failures },
  };
}
