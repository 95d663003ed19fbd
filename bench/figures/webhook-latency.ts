import { runBenchProcess } from '../support/child.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import type { LatencyJob, LatencyResult } from '../workers/webhook-latency.js';

export async function webhookPath(dynamoEndpoint: string, quick: boolean): Promise<Figure> {
  const invocations = quick ? 300 : 2000;
  progress(
    `P4 latency: ${invocations} webhook invocations and ${invocations} bare PutItem invocations, in process`,
  );
  const latency = await runBenchProcess<LatencyResult>(
    'workers/webhook-latency.ts',
    { dynamoEndpoint, invocations, warmup: quick ? 50 : 200 } satisfies LatencyJob,
    // As deployed: INFO logs and EMF metrics are part of the handler's cost.
    { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
  );
  const ratio = latency.webhook.p99 / latency.bare.p99;
  const accepted = latency.statuses['200'] ?? 0;
  return {
    id: 'P4',
    title: 'webhook path (in process, DynamoDB Local)',
    measured: `p50 ${fixed(latency.webhook.p50, 2)} ms, p99 ${fixed(latency.webhook.p99, 2)} ms (${fixed(ratio, 2)}x bare p99; ${accepted}/${latency.webhook.count} 200)`,
    baseline: `bare PutItem p50 ${fixed(latency.bare.p50, 2)} ms, p99 ${fixed(latency.bare.p99, 2)} ms`,
    target: 'p99 <= 2x bare handler',
    pass: ratio <= 2 && accepted === latency.webhook.count,
    data: { latency, ratio },
  };
}
