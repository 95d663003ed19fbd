import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LocalQueue, MessageTooLongError, type QueueOptions } from '../queue.js';
import { type AwsJsonService, AwsServiceError, type JsonObject, parseInput } from './json-protocol.js';

export interface LocalSqs {
  readonly service: AwsJsonService;
  /** Creates a queue served by this endpoint (its URL's origin is the endpoint's). */
  createQueue(options: Omit<QueueOptions, 'endpointUrl'>): LocalQueue;
  queue(name: string): LocalQueue | undefined;
}

/** SQS limits that shape the errors the real service returns. */
const maxBatchEntries = 10;
const maxDelaySeconds = 900;
const batchEntryId = /^[A-Za-z0-9_-]{1,80}$/;
// SQS accepts #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.
const invalidCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const sqsError = (type: string, queryCode: string, message: string, status = 400) =>
  new AwsServiceError(type, message, status, `${queryCode};Sender`);

const messageAttributes = z
  .record(
    z.string(),
    z.object({
      DataType: z.string(),
      StringValue: z.string().optional(),
      BinaryValue: z.string().optional(),
    }),
  )
  .optional();
const messageFields = {
  MessageBody: z.string(),
  DelaySeconds: z.number().int().optional(),
  MessageAttributes: messageAttributes,
  /** On a standard queue: the tenant of a fair queue (local/queue.ts serves quiet tenants first). */
  MessageGroupId: z.string().min(1).max(128).optional(),
};
const queueUrlInput = z.object({ QueueUrl: z.string().min(1) });
const sendMessageInput = queueUrlInput.extend(messageFields);
const sendMessageBatchInput = queueUrlInput.extend({
  Entries: z.array(z.object({ Id: z.string(), ...messageFields })),
});
const receiveMessageInput = queueUrlInput.extend({
  MaxNumberOfMessages: z.number().int().min(1).max(10).optional(),
  VisibilityTimeout: z.number().int().min(0).max(43_200).optional(),
});
const receiptInput = queueUrlInput.extend({ ReceiptHandle: z.string().min(1) });
const messageMoveInput = z.object({
  SourceArn: z.string().min(1),
  DestinationArn: z.string().min(1).optional(),
  MaxNumberOfMessagesPerSecond: z.number().int().min(1).max(500).optional(),
});
const changeVisibilityInput = receiptInput.extend({ VisibilityTimeout: z.number().int().min(0).max(43_200) });

type MessageFields = z.infer<z.ZodObject<typeof messageFields>>;

/** SQS (AWS JSON 1.0, `AmazonSQS.*`, query-compatible errors) over `LocalQueue`s. */
export function createLocalSqs(endpointUrl: () => string): LocalSqs {
  const queues = new Map<string, LocalQueue>();

  const byUrl = (queueUrl: string): LocalQueue => {
    const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
    const queue = queues.get(name);
    if (!queue)
      throw sqsError(
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        'The specified queue does not exist.',
      );
    return queue;
  };

  /** Validates one message the way SQS does before accepting it; returns an error or sends. */
  const sendOne = (queue: LocalQueue, fields: MessageFields) => {
    if (fields.MessageBody.length === 0) {
      throw sqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        'The request must contain the parameter MessageBody.',
      );
    }
    if (invalidCharacters.test(fields.MessageBody)) {
      throw sqsError(
        'InvalidMessageContents',
        'InvalidMessageContents',
        'Invalid characters found in the message body.',
      );
    }
    if (
      fields.DelaySeconds !== undefined &&
      (fields.DelaySeconds < 0 || fields.DelaySeconds > maxDelaySeconds)
    ) {
      throw sqsError(
        'InvalidParameterValue',
        'InvalidParameterValue',
        `Value ${fields.DelaySeconds} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`,
      );
    }
    try {
      return queue.send({
        body: fields.MessageBody,
        ...(fields.DelaySeconds !== undefined && { delaySeconds: fields.DelaySeconds }),
        ...(fields.MessageAttributes && { messageAttributes: fields.MessageAttributes }),
        ...(fields.MessageGroupId !== undefined && { groupId: fields.MessageGroupId }),
      });
    } catch (error) {
      if (error instanceof MessageTooLongError)
        throw sqsError('InvalidParameterValue', 'InvalidParameterValue', error.message);
      throw error;
    }
  };

  const operations: Record<string, (input: JsonObject) => JsonObject> = {
    GetQueueUrl: (raw) => {
      const { QueueName } = parseInput(z.object({ QueueName: z.string().min(1) }), raw);
      const queue = queues.get(QueueName);
      if (!queue)
        throw sqsError(
          'QueueDoesNotExist',
          'AWS.SimpleQueueService.NonExistentQueue',
          'The specified queue does not exist.',
        );
      return { QueueUrl: queue.url };
    },
    GetQueueAttributes: (raw) => {
      const queue = byUrl(parseInput(queueUrlInput, raw).QueueUrl);
      const counts = queue.counts();
      return {
        Attributes: {
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(counts.visible),
          ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
          ApproximateNumberOfMessagesDelayed: String(counts.delayed),
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          DelaySeconds: String(queue.delaySeconds),
          MaximumMessageSize: String(queue.maximumMessageSizeBytes),
          ...(queue.deadLetter && {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: queue.deadLetter.queue.arn,
              maxReceiveCount: queue.deadLetter.maxReceiveCount,
            }),
          }),
        },
      };
    },
    SendMessage: (raw) => {
      const input = parseInput(sendMessageInput, raw);
      const message = sendOne(byUrl(input.QueueUrl), input);
      return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
    },
    SendMessageBatch: (raw) => {
      const input = parseInput(sendMessageBatchInput, raw);
      const queue = byUrl(input.QueueUrl);
      const entries = input.Entries;
      if (entries.length === 0)
        throw sqsError(
          'EmptyBatchRequest',
          'AWS.SimpleQueueService.EmptyBatchRequest',
          'There should be at least one SendMessageBatchRequestEntry in the request.',
        );
      if (entries.length > maxBatchEntries) {
        throw sqsError(
          'TooManyEntriesInBatchRequest',
          'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
          `Maximum number of entries per request are ${maxBatchEntries}. You have sent ${entries.length}.`,
        );
      }
      const badId = entries.find((entry) => !batchEntryId.test(entry.Id));
      if (badId)
        throw sqsError(
          'InvalidBatchEntryId',
          'AWS.SimpleQueueService.InvalidBatchEntryId',
          `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.`,
        );
      if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) {
        throw sqsError(
          'BatchEntryIdsNotDistinct',
          'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
          'Two or more batch entries in the request have the same Id.',
        );
      }
      const totalBytes = entries.reduce(
        (sum, entry) => sum + Buffer.byteLength(entry.MessageBody, 'utf8'),
        0,
      );
      if (totalBytes > queue.maximumMessageSizeBytes) {
        throw sqsError(
          'BatchRequestTooLong',
          'AWS.SimpleQueueService.BatchRequestTooLong',
          `Batch requests cannot be longer than ${queue.maximumMessageSizeBytes} bytes.`,
        );
      }
      const Successful: JsonObject[] = [];
      const Failed: JsonObject[] = [];
      for (const entry of entries) {
        try {
          const message = sendOne(queue, entry);
          Successful.push({
            Id: entry.Id,
            MessageId: message.messageId,
            MD5OfMessageBody: message.md5OfBody,
          });
        } catch (error) {
          if (!(error instanceof AwsServiceError)) throw error;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: error.type, Message: error.message });
        }
      }
      return { Successful, Failed };
    },
    ReceiveMessage: (raw) => {
      const input = parseInput(receiveMessageInput, raw);
      const queue = byUrl(input.QueueUrl);
      const messages = queue.receive(input.MaxNumberOfMessages ?? 1, input.VisibilityTimeout);
      return {
        Messages: messages.map((message) => ({
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          Body: message.body,
          MD5OfBody: message.md5OfBody,
          Attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentTimestamp),
            ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
          },
          ...(Object.keys(message.messageAttributes).length > 0 && {
            MessageAttributes: message.messageAttributes,
          }),
        })),
      };
    },
    DeleteMessage: (raw) => {
      const input = parseInput(receiptInput, raw);
      // SQS accepts deletes with stale handles silently (the message may already be gone).
      byUrl(input.QueueUrl).delete(input.ReceiptHandle);
      return {};
    },
    ChangeMessageVisibility: (raw) => {
      const input = parseInput(changeVisibilityInput, raw);
      if (!byUrl(input.QueueUrl).changeVisibility(input.ReceiptHandle, input.VisibilityTimeout)) {
        throw sqsError(
          'MessageNotInflight',
          'AWS.SimpleQueueService.MessageNotInflight',
          'The message referred to is not in flight.',
        );
      }
      return {};
    },
    /** The DLQ redrive API: moves every message back (to its source queue unless told otherwise). */
    StartMessageMoveTask: (raw) => {
      const input = parseInput(messageMoveInput, raw);
      const all = [...queues.values()];
      const deadLetterQueue = all.find((queue) => queue.arn === input.SourceArn);
      const source = all.find((queue) => queue.deadLetter?.queue === deadLetterQueue);
      if (!deadLetterQueue || !source) {
        throw new AwsServiceError(
          'InvalidParameterValue',
          'Source queue must be configured as a Dead Letter Queue.',
        );
      }
      const destination = input.DestinationArn
        ? all.find((queue) => queue.arn === input.DestinationArn)
        : source;
      if (!destination)
        throw new AwsServiceError(
          'ResourceNotFoundException',
          "The resource that you specified for the DestinationArn parameter doesn't exist.",
          404,
        );
      deadLetterQueue.redriveTo(destination);
      return {
        TaskHandle: Buffer.from(
          JSON.stringify({ sourceArn: input.SourceArn, taskId: randomUUID() }),
        ).toString('base64'),
      };
    },
    PurgeQueue: (raw) => {
      byUrl(parseInput(queueUrlInput, raw).QueueUrl).purge();
      return {};
    },
  };

  return {
    service: {
      targetPrefix: 'AmazonSQS',
      jsonVersion: '1.0',
      errorNamespace: 'com.amazonaws.sqs',
      operations,
    },
    createQueue: (options) => {
      const queue = new LocalQueue({ ...options, endpointUrl: endpointUrl() });
      queues.set(queue.name, queue);
      return queue;
    },
    queue: (name) => queues.get(name),
  };
}
