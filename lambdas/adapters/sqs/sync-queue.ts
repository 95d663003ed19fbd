/**
 * The sync queue on SQS. Sends in SendMessageBatch calls of 10 with several in flight, and
 * re-sends only the entries SQS reported in `Failed` (partial failures), a bounded number of
 * times with jittered backoff. Entries SQS rejects as the sender's fault are not retried.
 */
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SendOptions, SendResult, SyncQueue } from '../../core/sync/ports.js';
import type { SyncMessage } from '../../core/sync/sync-run.js';

export interface SqsSyncQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** SendMessageBatch calls in flight at once. */
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const BATCH_SIZE = 10;

export const createSqsSyncQueue = ({
  client,
  queueUrl,
  concurrency = 8,
  maxAttempts = 4,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: SqsSyncQueueOptions): SyncQueue => {
  const sendBatch = async (batch: readonly SyncMessage[], options: SendOptions): Promise<SendResult> => {
    let pending = batch.map((message, index) => ({ id: String(index), message }));
    let lastReasons = new Map<string, string>();
    const failed: { message: SyncMessage; reason: string }[] = [];
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.random() * 100 * 2 ** attempt);
      const entries: SendMessageBatchRequestEntry[] = pending.map(({ id, message }) => ({
        Id: id,
        MessageBody: JSON.stringify(message),
        ...(options.delaySeconds !== undefined && { DelaySeconds: options.delaySeconds }),
      }));
      let result;
      try {
        result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      } catch (error) {
        // The SDK already retried the call itself; a whole-batch error is retried like a partial one.
        lastReasons = new Map(
          pending.map(({ id }) => [id, error instanceof Error ? error.name : 'SendFailed']),
        );
        continue;
      }
      const retry = new Set<string>();
      lastReasons = new Map();
      for (const entry of result.Failed ?? []) {
        if (!entry.Id) continue;
        lastReasons.set(entry.Id, entry.Code ?? 'Failed');
        if (entry.SenderFault) {
          const item = pending.find((p) => p.id === entry.Id);
          if (item) failed.push({ message: item.message, reason: entry.Code ?? 'SenderFault' });
        } else {
          retry.add(entry.Id);
        }
      }
      pending = pending.filter(({ id }) => retry.has(id));
    }
    failed.push(...pending.map(({ id, message }) => ({ message, reason: lastReasons.get(id) ?? 'Failed' })));
    return { sent: batch.length - failed.length, failed };
  };

  return {
    async send(messages, options = {}) {
      const batches: SyncMessage[][] = [];
      for (let i = 0; i < messages.length; i += BATCH_SIZE) batches.push(messages.slice(i, i + BATCH_SIZE));
      let next = 0;
      let sent = 0;
      const failed: SendResult['failed'][number][] = [];
      const worker = async () => {
        while (next < batches.length) {
          const result = await sendBatch(batches[next++]!, options);
          sent += result.sent;
          failed.push(...result.failed);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
      return { sent, failed };
    },
  };
};

/**
 * Hides a failed message for `delaySeconds` from now, so SQS redelivers it then instead of after
 * the queue's visibility timeout: the sync's retry backoff.
 */
export const createSqsRetryScheduler = ({
  client,
  queueUrl,
}: Pick<SqsSyncQueueOptions, 'client' | 'queueUrl'>) => ({
  async retryAfter(receiptHandle: string, delaySeconds: number): Promise<void> {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  },
});

export type RetryScheduler = ReturnType<typeof createSqsRetryScheduler>;
