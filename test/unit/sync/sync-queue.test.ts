import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsSyncQueue } from '../../../lambdas/adapters/sqs/sync-queue.js';
import type { SyncMessage } from '../../../lambdas/core/sync/sync-run.js';

// Partial batch failures cannot be provoked from a real SQS endpoint: this is the mock's one use.
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const messages = (n: number): SyncMessage[] =>
  Array.from({ length: n }, (_, i) => ({ integrationId: `int-${i}`, trigger: 'schedule' }));

const queueFor = (maxAttempts = 4) =>
  createSqsSyncQueue({
    client: new SQSClient({ region: 'local' }),
    queueUrl: 'https://sqs.local/q',
    maxAttempts,
    sleep: async () => {},
  });

describe('SQS sync queue', () => {
  it('sends in batches of 10 and re-sends only the entries SQS reported as failed', async () => {
    const bodies: string[] = [];
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
      call += 1;
      const failedIds = call === 1 ? ['3', '7'] : [];
      for (const entry of input.Entries) if (!failedIds.includes(entry.Id)) bodies.push(entry.MessageBody);
      return {
        Successful: input.Entries.filter((e) => !failedIds.includes(e.Id)).map((e) => ({
          Id: e.Id,
          MessageId: 'm',
          MD5OfMessageBody: '',
        })),
        Failed: failedIds.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })),
      };
    });
    const result = await queueFor().send(messages(25));
    expect(result).toEqual({ sent: 25, failed: [] });
    expect(
      sqs.commandCalls(SendMessageBatchCommand).every((c) => c.args[0].input.Entries!.length <= 10),
    ).toBe(true);
    expect(bodies.map((b) => JSON.parse(b).integrationId).sort()).toEqual(
      messages(25)
        .map((m) => m.integrationId)
        .sort(),
    );
  });

  it('gives up on an entry after the bounded attempts and reports it, without retrying sender faults', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.filter((e) => e.Id !== '0' && e.Id !== '1').map((e) => ({
        Id: e.Id,
        MessageId: 'm',
        MD5OfMessageBody: '',
      })),
      Failed: input.Entries.filter((e) => e.Id === '0' || e.Id === '1').map((e) => ({
        Id: e.Id,
        Code: e.Id === '0' ? 'ServiceUnavailable' : 'InvalidMessageContents',
        SenderFault: e.Id === '1',
      })),
    }));
    const result = await queueFor(3).send(messages(4));
    expect(result.sent).toBe(2);
    expect(result.failed).toEqual([
      { message: messages(4)[1], reason: 'InvalidMessageContents' },
      { message: messages(4)[0], reason: 'ServiceUnavailable' },
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });
});
