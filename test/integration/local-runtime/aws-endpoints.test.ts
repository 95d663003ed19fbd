import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, AwsServiceError, startAwsJsonEndpoint } from '../../../local/aws/json-protocol.js';
import { createLocalKms } from '../../../local/aws/kms-endpoint.js';
import { createLocalSecretsManager } from '../../../local/aws/secrets-manager-endpoint.js';
import { createLocalSqs } from '../../../local/aws/sqs-endpoint.js';
import type { LocalQueue } from '../../../local/queue.js';

let endpoint: AwsEndpoint;
let queue: LocalQueue;
let deadLetters: LocalQueue;
let keyArn: string;
let secretArn: string;
const clientConfig = () => ({
  endpoint: endpoint.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

beforeAll(async () => {
  let url = '';
  const sqs = createLocalSqs(() => url);
  const secrets = createLocalSecretsManager();
  const kms = createLocalKms();
  endpoint = await startAwsJsonEndpoint([sqs.service, secrets.service, kms.service]);
  url = endpoint.url;
  deadLetters = sqs.createQueue({ name: 'jobs-dlq' });
  queue = sqs.createQueue({ name: 'jobs', deadLetter: { queue: deadLetters, maxReceiveCount: 5 } });
  keyArn = kms.createKey('alias/tokens');
  secretArn = secrets.putSecret('app-secret', 'shpss_test');
});
afterAll(() => endpoint.stop());

describe('local KMS with the real KMSClient', () => {
  it('round-trips a plaintext under its encryption context', async () => {
    const kms = new KMSClient(clientConfig());
    const context = { integrationId: 'int-1' };
    const encrypted = await kms.send(
      new EncryptCommand({
        KeyId: keyArn,
        Plaintext: Buffer.from('shpat_secret'),
        EncryptionContext: context,
      }),
    );
    expect(Buffer.from(encrypted.CiphertextBlob!).toString()).not.toContain('shpat_secret');

    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }),
    );

    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('shpat_secret');
    expect(decrypted.KeyId).toBe(keyArn);
  });

  it('refuses to decrypt under a different or missing encryption context', async () => {
    const kms = new KMSClient(clientConfig());
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({
        KeyId: 'alias/tokens',
        Plaintext: Buffer.from('x'),
        EncryptionContext: { integrationId: 'int-1' },
      }),
    );

    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { integrationId: 'int-2' } })),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toBeInstanceOf(
      InvalidCiphertextException,
    );
  });

  it('generates a data key whose encrypted copy decrypts to the same bytes', async () => {
    const kms = new KMSClient(clientConfig());
    const context = { integrationId: 'int-9' };
    const dataKey = await kms.send(
      new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }),
    );

    expect(dataKey.Plaintext).toHaveLength(32);
    expect(Buffer.from(decrypted.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).toBe(true);
  });

  it('answers an unknown key with NotFoundException', async () => {
    const kms = new KMSClient(clientConfig());
    await expect(
      kms.send(new EncryptCommand({ KeyId: 'alias/nope', Plaintext: Buffer.from('x') })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('local Secrets Manager with the real SecretsManagerClient', () => {
  it('returns the secret by ARN and by name, and the new value after PutSecretValue', async () => {
    const client = new SecretsManagerClient(clientConfig());
    expect((await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString).toBe(
      'shpss_test',
    );

    await client.send(new CreateSecretCommand({ Name: 'rotating', SecretString: 'v1' }));
    await client.send(new PutSecretValueCommand({ SecretId: 'rotating', SecretString: 'v2' }));
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rotating' }));

    expect(current.SecretString).toBe('v2');
    expect(current.CreatedDate).toBeInstanceOf(Date);
  });

  it('answers an unknown secret with ResourceNotFoundException', async () => {
    const client = new SecretsManagerClient(clientConfig());
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('local SQS with the real SQSClient', () => {
  it('sends single and batched messages (the SDK verifies each MD5) and reports per-entry failures', async () => {
    const sqs = new SQSClient(clientConfig());
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'jobs' }));
    expect(QueueUrl).toBe(queue.url);

    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":0}' }));
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'ok-1', MessageBody: '{"n":1}' },
          { Id: 'bad-delay', MessageBody: '{"n":2}', DelaySeconds: 901 },
          { Id: 'ok-2', MessageBody: '{"n":3}', DelaySeconds: 60 },
        ],
      }),
    );

    expect(batch.Successful?.map((e) => e.Id)).toEqual(['ok-1', 'ok-2']);
    expect(batch.Failed).toEqual([
      expect.objectContaining({ Id: 'bad-delay', Code: 'InvalidParameterValue', SenderFault: true }),
    ]);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(attributes.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '2',
      ApproximateNumberOfMessagesDelayed: '1',
    });
    expect(JSON.parse(attributes.Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 5 });

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(received.Messages?.map((m) => m.Body).sort()).toEqual(['{"n":0}', '{"n":1}']);
  });

  it('rejects a batch of more than ten entries and an unknown queue with the SDK error classes', async () => {
    const sqs = new SQSClient(clientConfig());
    const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries })),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('redrives the dead-letter queue back to its source with StartMessageMoveTask', async () => {
    const sqs = new SQSClient(clientConfig());
    deadLetters.send({ body: 'parked' });
    const before = queue.counts().visible;

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetters.arn }));

    expect(deadLetters.peek()).toEqual([]);
    expect(queue.counts().visible).toBe(before + 1);
    await expect(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.arn }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
  });

  it('fails the next call of an operation with an injected fault, then recovers', async () => {
    const sqs = new SQSClient(clientConfig());
    endpoint.injectFault(
      'AmazonSQS.SendMessage',
      new AwsServiceError('RequestThrottled', 'Rate exceeded', 403, 'RequestThrottled;Sender'),
    );

    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'RequestThrottled' });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'x' })),
    ).resolves.toHaveProperty('MessageId');
  });
});
