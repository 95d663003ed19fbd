import * as z from 'zod';
import type { Logger } from '../logger.js';
import type { SyncQueue } from './ports.js';
import { newRunId, type SyncMessage } from './sync-run.js';

/** Pages of integrations whose last successful sync started before `cutoff` (sparse due index). */
export interface DueIntegrations {
  pages(cutoff: string): AsyncIterable<readonly unknown[]>;
}

export interface FanOutSummary {
  readonly cutoff: string;
  readonly due: number;
  readonly enqueued: number;
  readonly failed: number;
  readonly invalid: number;
}

const dueItemSchema = z.object({ integrationId: z.string().min(1).max(128) });

/**
 * Enqueues one scheduled sync per due integration. Integrations synced within the minimum
 * interval are never read (the index key condition excludes them). A malformed item or a message
 * SQS keeps refusing is logged and counted; it never stops the others. Sending one page overlaps
 * with reading the next.
 */
export async function fanOut(deps: {
  readonly due: DueIntegrations;
  readonly queue: SyncQueue;
  readonly now: number;
  readonly minSyncIntervalMinutes: number;
  readonly logger: Logger;
}): Promise<FanOutSummary> {
  const cutoff = new Date(deps.now - deps.minSyncIntervalMinutes * 60_000).toISOString();
  let due = 0;
  let enqueued = 0;
  let failed = 0;
  let invalid = 0;
  let inFlight: Promise<void> = Promise.resolve();

  for await (const items of deps.due.pages(cutoff)) {
    const messages: SyncMessage[] = [];
    for (const item of items) {
      const parsed = dueItemSchema.safeParse(item);
      // The run id travels with the message, so a copy redriven from the DLQ (a new message id)
      // finds the same run and resumes it.
      if (parsed.success)
        messages.push({
          integrationId: parsed.data.integrationId,
          trigger: 'schedule',
          runId: newRunId(deps.now),
        });
      else invalid += 1;
    }
    due += messages.length;
    await inFlight;
    inFlight = deps.queue.send(messages).then((result) => {
      enqueued += result.sent;
      failed += result.failed.length;
      for (const { message, reason } of result.failed) {
        deps.logger.error('Scheduled sync not enqueued', { integrationId: message.integrationId, reason });
      }
    });
  }
  await inFlight;
  if (invalid > 0) deps.logger.warn('Skipped malformed items of the due index', { invalid });
  return { cutoff, due, enqueued, failed, invalid };
}
