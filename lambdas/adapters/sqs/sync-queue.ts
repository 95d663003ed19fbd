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
import { laneOf, type SyncLane, syncLanes } from '../../core/sync/sync-lanes.js';

export interface SqsSyncQueueOptions {
  readonly client: SQSClient;
  /** The long-work lane's queue (initial syncs, continuations), and every message's without the next. */
  readonly queueUrl: string;
  /** The incremental lane's queue (hourly and manual syncs); see core/sync/sync-lanes.ts. */
  readonly incrementalQueueUrl?: string;
  /** SendMessageBatch calls in flight at once. */
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const BATCH_SIZE = 10;

export const createSqsSyncQueue = ({
  client,
  queueUrl,
  incrementalQueueUrl,
  concurrency = 8,
  maxAttempts = 4,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: SqsSyncQueueOptions): SyncQueue => {
  const urlOf = (lane: SyncLane) => (lane === 'incremental' ? (incrementalQueueUrl ?? queueUrl) : queueUrl);
  const sendBatch = async (
    batch: readonly SyncMessage[],
    lane: SyncLane,
    options: SendOptions,
  ): Promise<SendResult> => {
    let pending = batch.map((message, index) => ({ id: String(index), message }));
    let lastReasons = new Map<string, string>();
    const failed: { message: SyncMessage; reason: string }[] = [];
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.random() * 100 * 2 ** attempt);
      const entries: SendMessageBatchRequestEntry[] = pending.map(({ id, message }) => ({
        Id: id,
        MessageBody: JSON.stringify(message),
        // The tenant of an SQS fair queue: one store's backlog (a large store's continuations)
        // cannot raise the dwell time of the other stores' messages in the same queue.
        MessageGroupId: message.integrationId,
        ...(options.delaySeconds !== undefined && { DelaySeconds: options.delaySeconds }),
      }));
      let result;
      try {
        result = await client.send(new SendMessageBatchCommand({ QueueUrl: urlOf(lane), Entries: entries }));
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
      const batches: { lane: SyncLane; messages: SyncMessage[] }[] = [];
      for (const lane of syncLanes) {
        const inLane = messages.filter((message) => laneOf(message) === lane);
        for (let i = 0; i < inLane.length; i += BATCH_SIZE)
          batches.push({ lane, messages: inLane.slice(i, i + BATCH_SIZE) });
      }
      let next = 0;
      let sent = 0;
      const failed: SendResult['failed'][number][] = [];
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const result = await sendBatch(batch.messages, batch.lane, options);
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
  incrementalQueueUrl,
}: Pick<SqsSyncQueueOptions, 'client' | 'queueUrl' | 'incrementalQueueUrl'>) => ({
  /** `sourceArn`: the record's eventSourceARN, naming the lane's queue the message came from. */
  async retryAfter(receiptHandle: string, delaySeconds: number, sourceArn?: string): Promise<void> {
    const sourceName = sourceArn?.split(':').at(-1);
    const fromIncremental =
      incrementalQueueUrl !== undefined && sourceName === incrementalQueueUrl.split('/').at(-1);
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: fromIncremental ? incrementalQueueUrl : queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: delaySeconds,
      }),
    );
  },
});

export type RetryScheduler = ReturnType<typeof createSqsRetryScheduler>;
