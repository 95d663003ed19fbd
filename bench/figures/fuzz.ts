import { fuzzFailures, fuzzTargetOf, fuzzWebhooks } from '../fuzz/webhook-fuzz.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed, rate } from '../support/figure.js';
import type { BenchRuntime } from '../support/runtime.js';

/**
 * Heap retained per request after the warm-up, at most: 0.5 KiB is 5 MiB over the 10,000-request
 * run (noise of a GC'd heap of ~100 MiB), while a cache keyed per delivery would keep several KiB.
 */
const MAX_RETAINED_KIB_PER_REQUEST = 0.5;

export async function webhookFuzz(bench: BenchRuntime, requests: number, seed: number): Promise<Figure> {
  const shopDomain = `fuzz-${seed}.myshopify.com`;
  await bench.connect(shopDomain, 'shpat_fuzz');
  progress(`Fuzz: ${requests} generated requests (seed ${seed}) at ${bench.webhookUrl}`);
  const report = await fuzzWebhooks(fuzzTargetOf(bench, shopDomain), {
    requests,
    seed,
    onProgress: (done) => progress(`Fuzz: ${done}/${requests}`),
    // The local runtime's CloudWatch keeps every log line and data point (~0.4 KiB a request):
    // the harness's memory, not the handler's, so it is let go of before each measurement.
    beforeHeapCheck: () => bench.runtime.cloudWatch.clear(),
  });
  const failures = fuzzFailures(report);
  // What is kept per request: heap after a full GC, from a warm process to the end of the run.
  const heap = report.heapAfterGcMiB;
  const retainedKiBPerRequest = ((heap.end - heap.warm) * 1024) / (requests - heap.warmAt);
  if (retainedKiBPerRequest > MAX_RETAINED_KIB_PER_REQUEST)
    failures.push(
      `heap after GC grew ${fixed(heap.end - heap.warm, 1)} MiB over ${requests - heap.warmAt} requests`,
    );
  const fivexx = Object.entries(report.byStatus)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    id: 'Fuzz',
    title: `webhook endpoint fuzz (${requests} requests, seed ${seed})`,
    measured: `${fivexx} 5xx, ${report.violations.length} bad answers, ${report.poisonWrites} writes by rejected requests; statuses ${JSON.stringify(report.byStatus)}; ${fixed(rate(requests, report.elapsedMs))} req/s; RSS ${report.rssBeforeMiB}->${report.rssAfterMiB} MiB; heap after GC ${fixed(heap.warm, 1)} MiB at ${heap.warmAt} -> ${fixed(heap.end, 1)} MiB at ${requests} (${fixed(retainedKiBPerRequest, 2)} KiB/request)`,
    baseline: '-',
    target: `0 5xx, 4xx+message, no rejected writes, healthy after; heap after GC grows <= ${MAX_RETAINED_KIB_PER_REQUEST} KiB/request`,
    pass: failures.length === 0,
    data: { report: { ...report, violations: report.violations.slice(0, 20) }, failures },
  };
}
