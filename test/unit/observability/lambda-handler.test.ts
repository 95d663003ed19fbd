import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The unit project turns metrics off; this file is about what they write, so it turns them on
// before the module creates its Metrics instance.
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
const { lambdaHandler, metrics, MetricUnit } = await import('../../../lambdas/adapters/observability.js');

/**
 * What every handler's wrapper writes to stdout/stderr (what Lambda ships to CloudWatch): the
 * cold start once, an EMF blob only for invocations that stored metrics, and no
 * "No application metrics to publish" warning for those that did not (an API read, a webhook
 * that flushed its own).
 */
const context = (requestId: string) =>
  ({ functionName: 'unit-fn', awsRequestId: requestId, getRemainingTimeInMillis: () => 1000 }) as Context;

let written: string[];
let restore: (() => void)[];
beforeEach(() => {
  written = [];
  restore = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = (chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    return () => {
      stream.write = original;
    };
  });
});
afterEach(() => restore.forEach((undo) => undo()));

const emfNames = () =>
  written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .flatMap((line) =>
      (
        JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } }
      )._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name)),
    );

describe('lambdaHandler', () => {
  it('publishes only what an invocation stored, with no empty-metrics warning', async () => {
    const quiet = lambdaHandler(async () => 'read');
    const counting = lambdaHandler(async () => {
      metrics.addMetric('UnitCounted', MetricUnit.Count, 1);
      return 'counted';
    });
    const selfFlushing = lambdaHandler(async () => {
      metrics.addMetric('UnitFlushed', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
      return 'flushed';
    });

    expect(await quiet({}, context('a'))).toBe('read');
    expect(await quiet({}, context('b'))).toBe('read');
    expect(await counting({}, context('c'))).toBe('counted');
    expect(await selfFlushing({}, context('d'))).toBe('flushed');

    expect(written.join('')).not.toMatch(/No application metrics/);
    // ColdStart once, in the whole process (one Metrics instance), then each stored metric once.
    expect(emfNames()).toEqual(['ColdStart', 'UnitCounted', 'UnitFlushed']);
  });

  it('still flushes what was stored when the handler throws', async () => {
    const failing = lambdaHandler(async () => {
      metrics.addMetric('UnitBeforeFailure', MetricUnit.Count, 1);
      throw new Error('boom');
    });
    await expect(failing({}, context('e'))).rejects.toThrow('boom');
    expect(emfNames()).toEqual(['UnitBeforeFailure']);
  });
});
