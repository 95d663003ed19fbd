/**
 * SQS → one incremental sync per message (see core/sync/run-sync.ts). Partial batch responses:
 * only the failed messages return to the queue; after maxReceiveCount they land in the DLQ.
 * Configure the event source with ReportBatchItemFailures and a small batch size (syncs are long).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  addCounts,
  addCountsByResource,
  logger as defaultLogger,
  lambdaHandler,
  metrics as defaultMetrics,
} from '../adapters/observability.js';
import { withLogKeys } from '../core/log-scope.js';
import { syncWorkerDeps, composition } from './composition-root.js';
import { runIdOf, runSync, type SyncDeps, type SyncOutcome } from '../core/sync/run-sync.js';
import type { ResourceTotals, SyncTotals } from '../core/sync/run-report.js';
import { syncMessageSchema } from '../core/sync/sync-run.js';
import { RetryLaterError } from '../core/sync/errors.js';
import type { RetryScheduler } from '../adapters/sqs/sync-queue.js';

export type SyncWorkerDeps = Omit<SyncDeps, 'now' | 'logger'> & {
  readonly now?: () => number;
  readonly logger?: SyncDeps['logger'];
  readonly metrics?: typeof defaultMetrics;
  /** Pause (and continue in a new invocation) when less than this much time is left. */
  readonly pauseMarginMs?: number;
  /** Brings a failed message back after the run's backoff instead of the visibility timeout. */
  readonly retries?: RetryScheduler;
};

export class InvalidSyncMessageError extends Error {
  override readonly name = 'InvalidSyncMessageError';
}

const metricOf: Record<SyncOutcome['outcome'], string> = {
  succeeded: 'SyncSucceeded',
  paused: 'SyncPaused',
  failed: 'SyncFailed',
  skipped: 'SyncSkipped',
  duplicate: 'SyncDuplicateMessage',
  ignored: 'SyncIgnored',
};

export const createSyncWorkerHandler = (deps: SyncWorkerDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  const pauseMarginMs = deps.pauseMarginMs ?? 60_000;
  const syncDeps: SyncDeps = { ...deps, now: deps.now ?? Date.now, logger };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const processRecord = async (record: SQSRecord): Promise<void> => {
      try {
        await syncRecord(record);
      } catch (error) {
        metrics.addMetric('SyncAttemptFailed', MetricUnit.Count, 1);
        if (error instanceof RetryLaterError && deps.retries) {
          // Without it the message still comes back, after the visibility timeout: slower, not lost.
          await deps.retries
            .retryAfter(record.receiptHandle, error.delaySeconds, record.eventSourceARN)
            .catch((failure: unknown) =>
              logger.warn('Could not shorten the retry delay; SQS retries after the visibility timeout', {
                messageId: record.messageId,
                error: failure instanceof Error ? failure.name : 'Unknown',
              }),
            );
        }
        throw error;
      }
    };
    const syncRecord = async (record: SQSRecord): Promise<void> => {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        body = undefined;
      }
      const message = syncMessageSchema.safeParse(body);
      // Kept for the DLQ (after the usual retries) so an operator can see what sent it.
      if (!message.success) throw new InvalidSyncMessageError(`Malformed sync message ${record.messageId}`);
      const delivery = {
        message: message.data,
        messageId: record.messageId,
        sentAt: Number(record.attributes.SentTimestamp) || Date.now(),
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
        shouldPause: () => context.getRemainingTimeInMillis() < pauseMarginMs,
        deadline: Date.now() + context.getRemainingTimeInMillis() - pauseMarginMs,
      };
      const outcome = await withLogKeys(
        logger,
        {
          integrationId: delivery.message.integrationId,
          runId: runIdOf(delivery),
          messageId: record.messageId,
        },
        () => runSync(delivery, syncDeps),
      );
      metrics.addMetric(metricOf[outcome.outcome], MetricUnit.Count, 1);
      if (outcome.outcome === 'succeeded') addRunMetrics(outcome.totals);
      if (outcome.outcome === 'failed' && outcome.needsAttention)
        metrics.addMetric('IntegrationsNeedingAttention', MetricUnit.Count, 1);
    };
    /** Totals of a finished run; no store dimension (see adapters/observability.ts). */
    const addRunMetrics = (totals: SyncTotals) => {
      addCounts(metrics, {
        RecordsSeen: totals.recordsSeen,
        RecordsWritten: totals.recordsWritten,
        HealedBySync: totals.healedBySync,
        ShopifyCostUsed: totals.shopifyCostUsed,
        ShopifyThrottleWaits: totals.throttleWaits,
        ShopifyThrottledResponses: totals.throttledResponses,
      });
      // Only the resources that wrote something: each is an EMF line of its own, and a zero adds
      // nothing to the dashboard's sums but log bytes on every idle store's hourly run (bench F1).
      const perResource = Object.entries(totals.resources);
      const nonZero = (count: (c: ResourceTotals) => number): Record<string, number> => {
        const counts: Record<string, number> = {};
        for (const [resource, c] of perResource) if (count(c) !== 0) counts[resource] = count(c);
        return counts;
      };
      addCountsByResource(
        metrics,
        'RecordsWritten',
        nonZero((c) => c.written),
      );
      addCountsByResource(
        metrics,
        'HealedBySync',
        nonZero((c) => c.healedBySync),
      );
    };
    try {
      return await processPartialResponse(event, processRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};

let lazy: ReturnType<typeof createSyncWorkerHandler> | undefined;

export const handler = lambdaHandler((event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  (lazy ??= createSyncWorkerHandler(syncWorkerDeps(composition())))(event, context),
);
