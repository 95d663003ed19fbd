import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../local/queue.js';
import { SqsEventSource } from '../../../local/sqs-event-source.js';

/** A clock the test moves by hand, so visibility and delay are exact and instant. */
const manualClock = (start = Date.parse('2026-01-01T00:00:00Z')) => {
  let now = start;
  return { now: () => now, advanceSeconds: (seconds: number) => (now += seconds * 1000) };
};

const setup = (
  options: { maxReceiveCount?: number; visibilityTimeoutSeconds?: number; batchSize?: number } = {},
) => {
  const clock = manualClock();
  const endpointUrl = 'http://127.0.0.1:1';
  const deadLetters = new LocalQueue({ name: 'sync-dlq', endpointUrl, clock });
  const queue = new LocalQueue({
    name: 'sync',
    endpointUrl,
    clock,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 60,
    deadLetter: { queue: deadLetters, maxReceiveCount: options.maxReceiveCount ?? 5 },
  });
  const events: SQSEvent[] = [];
  let respond: (event: SQSEvent) => SQSBatchResponse | void = () => undefined;
  const worker = new SqsEventSource({
    queue,
    functionName: 'test-worker',
    timeoutMs: 5_000,
    batchSize: options.batchSize ?? 10,
    maxConcurrency: 1,
    handler: async (event) => {
      events.push(event);
      return respond(event);
    },
  });
  return { clock, queue, deadLetters, worker, events, respondWith: (fn: typeof respond) => (respond = fn) };
};

describe('local sync queue (SQS semantics)', () => {
  it('delivers a batch as a real SQSEvent and deletes it when the handler succeeds', async () => {
    const { queue, worker, events } = setup();
    queue.send({
      body: '{"integrationId":"a"}',
      messageAttributes: { kind: { DataType: 'String', StringValue: 'sync' } },
    });
    queue.send({ body: '{"integrationId":"b"}' });

    const outcome = await worker.pollOnce();

    expect(outcome?.deleted).toHaveLength(2);
    const [first, second] = events[0]!.Records;
    expect(first).toMatchObject({
      body: '{"integrationId":"a"}',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'sync' } },
    });
    expect(first!.receiptHandle).not.toBe(second!.receiptHandle);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('hides a failed message for the visibility timeout, then redelivers it with a higher receive count', async () => {
    const { clock, queue, worker, events, respondWith } = setup({ visibilityTimeoutSeconds: 60 });
    respondWith(() => {
      throw new Error('Shopify unavailable');
    });
    queue.send({ body: 'x' });

    const failed = await worker.pollOnce();
    expect(failed?.retried).toEqual(failed?.messageIds);
    expect(failed?.error?.message).toBe('Shopify unavailable');

    clock.advanceSeconds(59);
    expect(await worker.pollOnce()).toBeUndefined();
    expect(queue.counts().inFlight).toBe(1);

    clock.advanceSeconds(1);
    respondWith(() => undefined);
    await worker.pollOnce();
    expect(events[1]!.Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('retries only the messages named in batchItemFailures', async () => {
    const { clock, queue, worker, events, respondWith } = setup();
    for (const id of ['a', 'b', 'c']) queue.send({ body: id });
    respondWith((event) => ({
      batchItemFailures: event.Records.filter((r) => r.body === 'b').map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));

    const outcome = await worker.pollOnce();

    expect(outcome?.deleted).toHaveLength(2);
    expect(outcome?.retried).toHaveLength(1);
    clock.advanceSeconds(60);
    respondWith(() => undefined);
    await worker.pollOnce();
    expect(events[1]!.Records.map((r) => r.body)).toEqual(['b']);
  });

  it('fails the whole batch when batchItemFailures names a message that is not in it, as Lambda does', async () => {
    const { queue, worker, respondWith } = setup();
    queue.send({ body: 'a' });
    queue.send({ body: 'b' });
    respondWith(() => ({ batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] }));

    const outcome = await worker.pollOnce();

    expect(outcome?.deleted).toEqual([]);
    expect(outcome?.retried).toHaveLength(2);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount failed deliveries, and redrives it', async () => {
    const { clock, queue, deadLetters, worker, events, respondWith } = setup({
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 30,
    });
    respondWith(() => {
      throw new Error('poison');
    });
    queue.send({ body: 'poison' });

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await worker.pollOnce();
      clock.advanceSeconds(30);
    }
    expect(await worker.pollOnce()).toBeUndefined();

    expect(events.map((e) => e.Records[0]!.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(deadLetters.peek()).toMatchObject([{ body: 'poison', receiveCount: 5 }]);

    respondWith(() => undefined);
    expect(deadLetters.redriveTo(queue)).toBe(1);
    await worker.pollOnce();
    expect(events.at(-1)!.Records[0]).toMatchObject({
      body: 'poison',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(deadLetters.peek()).toEqual([]);
  });

  it('holds a delayed message back until its delay has passed', async () => {
    const { clock, queue, worker } = setup();
    queue.send({ body: 'later', delaySeconds: 120 });

    expect(queue.counts().delayed).toBe(1);
    expect(await worker.pollOnce()).toBeUndefined();
    clock.advanceSeconds(120);
    expect((await worker.pollOnce())?.deleted).toHaveLength(1);
  });

  it('never delivers more than batchSize messages in one event', async () => {
    const { queue, worker, events } = setup({ batchSize: 2 });
    for (const body of ['1', '2', '3']) queue.send({ body });

    await worker.pollOnce();
    await worker.pollOnce();

    expect(events.map((e) => e.Records.length)).toEqual([2, 1]);
  });

  it('a stale receipt handle from an earlier delivery deletes nothing', () => {
    const { clock, queue } = setup({ visibilityTimeoutSeconds: 10 });
    queue.send({ body: 'x' });
    const [first] = queue.receive(1);
    clock.advanceSeconds(10);
    const [second] = queue.receive(1);

    expect(queue.delete(first!.receiptHandle)).toBe(false);
    expect(queue.delete(second!.receiptHandle)).toBe(true);
  });

  it('treats a handler that outlives its timeout as a failed batch and tells it the time remaining', async () => {
    const queue = new LocalQueue({ name: 'q', endpointUrl: 'http://127.0.0.1:1' });
    let remainingAtStart = 0;
    const worker = new SqsEventSource({
      queue,
      functionName: 'slow-worker',
      timeoutMs: 200,
      batchSize: 10,
      maxConcurrency: 1,
      handler: (_event, context) => {
        remainingAtStart = context.getRemainingTimeInMillis();
        return new Promise((resolve) => setTimeout(resolve, 2_000).unref());
      },
    });
    queue.send({ body: 'x' });

    const outcome = await worker.pollOnce();

    expect(outcome?.error?.name).toBe('LambdaTimeoutError');
    expect(outcome?.retried).toHaveLength(1);
    expect(remainingAtStart).toBeGreaterThan(0);
    expect(remainingAtStart).toBeLessThanOrEqual(200);
  });

  it('the running event source drains the queue on its own, with batches in parallel', async () => {
    const queue = new LocalQueue({ name: 'q', endpointUrl: 'http://127.0.0.1:1' });
    const bodies: string[] = [];
    const worker = new SqsEventSource({
      queue,
      functionName: 'worker',
      timeoutMs: 5_000,
      batchSize: 1,
      maxConcurrency: 2,
      pollIntervalMs: 10,
      handler: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        bodies.push(...event.Records.map((r) => r.body));
      },
    });
    worker.start();
    for (const body of ['a', 'b', 'c']) queue.send({ body });
    await expect.poll(() => bodies.length, { timeout: 5_000 }).toBe(3);
    await worker.stop();

    expect(bodies.sort()).toEqual(['a', 'b', 'c']);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
