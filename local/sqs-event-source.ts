import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localRegion } from './aws/local-identity.js';
import { invokeLambda, type LambdaHandler } from './lambda-invoke.js';
import { chargeTo, countUsage, FLEET_ACCOUNT } from '../lambdas/adapters/usage-meter.js';
import type { LocalQueue, ReceivedMessage } from './queue.js';

export interface SqsEventSourceOptions {
  readonly queue: LocalQueue;
  readonly handler: LambdaHandler<SQSEvent, SQSBatchResponse | void>;
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly batchSize: number;
  /** Batches in flight at once (the event source mapping's maximum concurrency). */
  readonly maxConcurrency: number;
  /** Idle poll interval; a sent message wakes the poller at once. */
  readonly pollIntervalMs?: number;
  readonly log?: (line: string) => void;
  /** Whom the usage meter charges a batch to, from its first message's body. */
  readonly accountOf?: (body: string) => string | undefined;
}

/** What happened to one batch: ids deleted, and ids left to reappear after the visibility timeout. */
export interface BatchOutcome {
  readonly messageIds: readonly string[];
  readonly deleted: readonly string[];
  readonly retried: readonly string[];
  readonly error?: Error;
}

const toRecord = (queue: LocalQueue, message: ReceivedMessage): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle: message.receiptHandle,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentTimestamp),
    SenderId: 'AIDALOCALSENDER',
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType,
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && { binaryValue: value.BinaryValue }),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.md5OfBody,
  eventSource: 'aws:sqs',
  eventSourceARN: queue.arn,
  awsRegion: localRegion,
});

/**
 * Which messages succeeded, per Lambda's ReportBatchItemFailures rules: an item identifier that is
 * missing, empty or not in the batch fails the whole batch.
 */
const failedIds = (batch: readonly ReceivedMessage[], response: unknown): ReadonlySet<string> | 'all' => {
  if (response === undefined || response === null || typeof response !== 'object') return new Set();
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const inBatch = new Set(batch.map((m) => m.messageId));
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !inBatch.has(id)) return 'all';
    ids.add(id);
  }
  return ids;
};

/**
 * Lambda's SQS event source mapping: polls the queue, invokes the handler with a real `SQSEvent`,
 * deletes what succeeded, and leaves failures in flight so they come back after the visibility
 * timeout (and reach the dead-letter queue after maxReceiveCount).
 */
export class SqsEventSource {
  private running = false;
  private readonly inFlight = new Set<Promise<BatchOutcome>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: SqsEventSourceOptions) {}

  /** Receives one batch and processes it; undefined when nothing is visible. */
  async pollOnce(): Promise<BatchOutcome | undefined> {
    const batch = this.options.queue.receive(this.options.batchSize);
    if (batch.length === 0) return undefined;
    return this.process(batch);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.queue.onMessage(() => this.wake?.());
    this.loop = this.run();
  }

  /**
   * Stops polling and waits for batches in flight to finish (their outcome is still applied), or
   * only `abandonAfterMs`: then they are left running, their messages in flight, as when a Lambda
   * is torn down mid-invocation.
   */
  async stop(options: { abandonAfterMs?: number } = {}): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    const drained = Promise.allSettled(this.inFlight);
    if (options.abandonAfterMs === undefined) {
      await drained;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const abandoned = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.abandonAfterMs)));
    await Promise.race([drained, abandoned]);
    clearTimeout(timer);
    if (this.inFlight.size > 0)
      this.options.log?.(`[${this.options.functionName}] left ${this.inFlight.size} batch(es) in flight`);
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? 1000;
    while (this.running) {
      if (this.inFlight.size < this.options.maxConcurrency) {
        const batch = this.options.queue.receive(this.options.batchSize);
        if (batch.length > 0) {
          const work = this.process(batch);
          this.inFlight.add(work);
          void work.finally(() => {
            this.inFlight.delete(work);
            this.wake?.();
          });
          continue;
        }
      }
      const nextVisibleAt = this.options.queue.nextVisibleAt();
      const wait = Math.min(
        pollIntervalMs,
        nextVisibleAt === undefined ? pollIntervalMs : Math.max(1, nextVisibleAt - Date.now()),
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async process(batch: readonly ReceivedMessage[]): Promise<BatchOutcome> {
    const { queue, handler, functionName, timeoutMs } = this.options;
    const messageIds = batch.map((m) => m.messageId);
    const event: SQSEvent = { Records: batch.map((message) => toRecord(queue, message)) };
    let failed: ReadonlySet<string> | 'all';
    let error: Error | undefined;
    try {
      const account = this.options.accountOf?.(batch[0]!.body);
      // The event source's own requests, billed to the account like any: the receive, and the
      // delete (or the visibility change) that ends it.
      chargeTo(account ?? FLEET_ACCOUNT, functionName, () => countUsage('sqs.requests', 2));
      failed = failedIds(
        batch,
        await invokeLambda(handler, event, { functionName, timeoutMs, ...(account && { account }) }),
      );
      if (failed === 'all') error = new Error('batchItemFailures named a message that is not in the batch');
    } catch (thrown) {
      failed = 'all';
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
    }
    const deleted: string[] = [];
    const retried: string[] = [];
    for (const message of batch) {
      if (failed !== 'all' && !failed.has(message.messageId) && queue.delete(message.receiptHandle))
        deleted.push(message.messageId);
      else retried.push(message.messageId);
    }
    if (retried.length > 0) {
      this.options.log?.(
        `[${functionName}] ${retried.length}/${batch.length} message(s) will be retried after the visibility timeout${error ? `: ${error.message}` : ''}`,
      );
    }
    return { messageIds, deleted, retried, ...(error && { error }) };
  }
}
