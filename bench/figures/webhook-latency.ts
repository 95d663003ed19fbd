import { runBenchProcess } from '../support/child.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';
import type { LatencyJob, LatencyResult } from '../workers/webhook-latency.js';

/** P4 for each transport: HTTPS (the webhook handler) and EventBridge (the SQS-fed ingest). */
export async function webhookPath(dynamoEndpoint: string, quick: boolean): Promise<Figure[]> {
  const invocations = quick ? 300 : 2000;
  progress(
    `P4 latency: ${invocations} invocations each of the HTTPS webhook, the EventBridge ingest and their bare baselines, in process`,
  );
  const latency = await runBenchProcess<LatencyResult>(
    'workers/webhook-latency.ts',
    { dynamoEndpoint, invocations, warmup: quick ? 50 : 200 } satisfies LatencyJob,
    // As deployed: INFO logs and EMF metrics are part of the handler's cost.
    { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' },
  );
  const ratio = latency.webhook.p99 / latency.bare.p99;
  const accepted = latency.statuses['200'] ?? 0;
  const ebRatio = latency.eventBridge.p99 / latency.bareEventBridge.p99;
  return [
    {
      id: 'P4',
      title: 'webhook path, HTTPS (in process, DynamoDB Local)',
      measured: `p50 ${fixed(latency.webhook.p50, 2)} ms, p99 ${fixed(latency.webhook.p99, 2)} ms (${fixed(ratio, 2)}x bare p99; ${accepted}/${latency.webhook.count} 200)`,
      baseline: `bare PutItem p50 ${fixed(latency.bare.p50, 2)} ms, p99 ${fixed(latency.bare.p99, 2)} ms`,
      target: 'p99 <= 2x bare handler',
      pass: ratio <= 2 && accepted === latency.webhook.count,
      data: { latency: { webhook: latency.webhook, bare: latency.bare, statuses: latency.statuses }, ratio },
    },
    {
      id: 'P4-EB',
      title: 'webhook path, EventBridge (SQS batch of one, in process, DynamoDB Local)',
      measured: `p50 ${fixed(latency.eventBridge.p50, 2)} ms, p99 ${fixed(latency.eventBridge.p99, 2)} ms (${fixed(ebRatio, 2)}x bare p99; ${latency.eventBridgeApplied}/${latency.eventBridge.count} applied)`,
      baseline: `bare parse + PutItem p50 ${fixed(latency.bareEventBridge.p50, 2)} ms, p99 ${fixed(latency.bareEventBridge.p99, 2)} ms`,
      target: 'p99 <= 2x bare handler',
      pass: ebRatio <= 2 && latency.eventBridgeApplied === latency.eventBridge.count,
      data: {
        latency: { eventBridge: latency.eventBridge, bare: latency.bareEventBridge },
        ratio: ebRatio,
      },
    },
  ];
}
