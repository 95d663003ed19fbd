/**
 * SQS → one incremental sync per message (see core/sync/run-sync.ts). Partial batch responses:
 * only the failed messages return to the queue; after maxReceiveCount they land in the DLQ.
 * Configure the event source with ReportBatchItemFailures and a small batch size (syncs are long).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger as defaultLogger, metrics as defaultMetrics } from '../adapters/observability.js';
import { syncWorkerDeps, composition } from './composition-root.js';
import { runSync, type SyncDeps, type SyncOutcome } from '../core/sync/run-sync.js';
import { syncMessageSchema } from '../core/sync/sync-run.js';

export type SyncWorkerDeps = Omit<SyncDeps, 'now' | 'logger'> & {
  readonly now?: () => number;
  readonly logger?: SyncDeps['logger'];
  readonly metrics?: typeof defaultMetrics;
  /** Pause (and continue in a new invocation) when less than this much time is left. */
  readonly pauseMarginMs?: number;
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
      const outcome = await runSync(
        {
          message: message.data,
          messageId: record.messageId,
          sentAt: Number(record.attributes.SentTimestamp) || Date.now(),
          receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
          shouldPause: () => context.getRemainingTimeInMillis() < pauseMarginMs,
          deadline: Date.now() + context.getRemainingTimeInMillis() - pauseMarginMs,
        },
        syncDeps,
      );
      metrics.addMetric(metricOf[outcome.outcome], MetricUnit.Count, 1);
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

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  (lazy ??= createSyncWorkerHandler(syncWorkerDeps(composition())))(event, context);
