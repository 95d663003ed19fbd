/**
 * EventBridge schedule → one SQS message per due integration. Invoked by EventBridge directly:
 * no route reaches it from the internet.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger as defaultLogger, metrics as defaultMetrics } from '../adapters/observability.js';
import { fanOutDeps, composition } from './composition-root.js';
import { type DueIntegrations, fanOut, type FanOutSummary } from '../core/sync/fan-out.js';
import type { Logger } from '../core/logger.js';
import type { SyncQueue } from '../core/sync/ports.js';

export interface FanOutDeps {
  readonly due: DueIntegrations;
  readonly queue: SyncQueue;
  readonly minSyncIntervalMinutes: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly metrics?: typeof defaultMetrics;
}

export const createFanOutHandler = (deps: FanOutDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  return async (): Promise<FanOutSummary> => {
    const summary = await fanOut({
      due: deps.due,
      queue: deps.queue,
      now: (deps.now ?? Date.now)(),
      minSyncIntervalMinutes: deps.minSyncIntervalMinutes,
      logger,
    });
    metrics.addMetric('SyncsEnqueued', MetricUnit.Count, summary.enqueued);
    metrics.addMetric('SyncsNotEnqueued', MetricUnit.Count, summary.failed);
    metrics.publishStoredMetrics();
    logger.info('Fan-out finished', { ...summary });
    return summary;
  };
};

let lazy: ReturnType<typeof createFanOutHandler> | undefined;

export const handler = (): Promise<FanOutSummary> =>
  (lazy ??= createFanOutHandler(fanOutDeps(composition())))();
