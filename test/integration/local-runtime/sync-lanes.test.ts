import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsRetryScheduler, createSqsSyncQueue } from '../../../lambdas/adapters/sqs/sync-queue.js';
import type { SyncMessage } from '../../../lambdas/core/sync/sync-run.js';
import { type AwsEndpoint, startAwsJsonEndpoint } from '../../../local/aws/json-protocol.js';
import { createLocalSqs } from '../../../local/aws/sqs-endpoint.js';
import { LocalQueue } from '../../../local/queue.js';

/** The two lanes over the local SQS endpoint and the real SQSClient (issue 22 §2). */
let endpoint: AwsEndpoint;
let long: LocalQueue;
let incremental: LocalQueue;
let client: SQSClient;

beforeAll(async () => {
  let url = '';
  const sqs = createLocalSqs(() => url);
  endpoint = await startAwsJsonEndpoint([sqs.service]);
  url = endpoint.url;
  long = sqs.createQueue({ name: 'lanes-long' });
  incremental = sqs.createQueue({ name: 'lanes-incremental' });
  client = new SQSClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  client.destroy();
  await endpoint.stop();
});

const bodiesOf = (queue: LocalQueue) =>
  queue.peek().map((message) => ({
    ...(JSON.parse(message.body) as SyncMessage),
    groupId: message.groupId,
  }));

describe('sync lanes', () => {
  it('sends hourly and manual syncs to the incremental lane, initial syncs and continuations to the long lane, each with its store as the message group', async () => {
    long.purge();
    incremental.purge();
    const queue = createSqsSyncQueue({ client, queueUrl: long.url, incrementalQueueUrl: incremental.url });
    const messages: SyncMessage[] = [
      { integrationId: 'int-small', trigger: 'schedule' },
      { integrationId: 'int-large', trigger: 'initial' },
      { integrationId: 'int-operator', trigger: 'manual' },
      { integrationId: 'int-large', trigger: 'continuation', runId: '01KABCDEFGHJKMNPQRSTVWXYZ0' },
    ];

    expect(await queue.send(messages)).toEqual({ sent: 4, failed: [] });

    expect(bodiesOf(incremental)).toEqual([
      { integrationId: 'int-small', trigger: 'schedule', groupId: 'int-small' },
      { integrationId: 'int-operator', trigger: 'manual', groupId: 'int-operator' },
    ]);
    expect(bodiesOf(long)).toEqual([
      { integrationId: 'int-large', trigger: 'initial', groupId: 'int-large' },
      {
        integrationId: 'int-large',
        trigger: 'continuation',
        runId: '01KABCDEFGHJKMNPQRSTVWXYZ0',
        groupId: 'int-large',
      },
    ]);
  });

  it('brings a failed message back sooner in the lane it came from', async () => {
    long.purge();
    incremental.purge();
    const queue = createSqsSyncQueue({ client, queueUrl: long.url, incrementalQueueUrl: incremental.url });
    await queue.send([{ integrationId: 'int-small', trigger: 'schedule' }]);
    const [received] = incremental.receive(1, 3600);
    const retries = createSqsRetryScheduler({
      client,
      queueUrl: long.url,
      incrementalQueueUrl: incremental.url,
    });

    await retries.retryAfter(received!.receiptHandle, 30, incremental.arn);

    const [message] = incremental.peek();
    expect(message!.visibleAt - Date.now()).toBeLessThanOrEqual(30_000);
    expect(message!.visibleAt - Date.now()).toBeGreaterThan(20_000);
  });
});

describe('a fair local queue', () => {
  const clock = () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('serves a quiet store before a store that took most of the recent processing time, whatever came first', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'fair', endpointUrl: 'http://127.0.0.1:1', clock: time });
    // The large store's first slice: 4 minutes of processing, then its continuation is queued.
    queue.send({ body: 'large-1', groupId: 'large' });
    const [slice] = queue.receive(1);
    time.advance(240_000);
    queue.delete(slice!.receiptHandle);
    queue.send({ body: 'large-2', groupId: 'large' });
    time.advance(1);
    queue.send({ body: 'small-1', groupId: 'small' });

    expect(queue.receive(1).map((m) => m.body)).toEqual(['small-1']);
    expect(queue.receive(1).map((m) => m.body)).toEqual(['large-2']);
  });

  it('keeps arrival order among stores that are not noisy, and forgets a noisy store after 5 quiet minutes', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'fair-order', endpointUrl: 'http://127.0.0.1:1', clock: time });
    queue.send({ body: 'large-1', groupId: 'large' });
    const [slice] = queue.receive(1);
    time.advance(60_000);
    queue.delete(slice!.receiptHandle);
    time.advance(5 * 60_000);
    queue.send({ body: 'large-2', groupId: 'large' });
    time.advance(1);
    queue.send({ body: 'a', groupId: 'a' });
    queue.send({ body: 'b', groupId: 'b' });

    expect(queue.receive(3).map((m) => m.body)).toEqual(['large-2', 'a', 'b']);
  });
});
