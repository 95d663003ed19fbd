/**
 * The sync dead-letter queue, through the SQS API: the same code reads the local runtime's queue
 * (its SQS endpoint) and a deployed stack's (with the developer's credentials).
 */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

export interface DeadLetterDepth {
  /** Messages waiting in the dead-letter queue. */
  readonly waiting: number;
  /** Messages being moved or read right now. */
  readonly inFlight: number;
  /** The last redrive's status, when SQS reports one (RUNNING, COMPLETED, FAILED...). */
  readonly lastRedrive?: { readonly status: string; readonly moved: number };
}

export interface DeadLetters {
  depth(): Promise<DeadLetterDepth>;
  /** Starts moving every dead-lettered sync back to the sync queue (SQS's own redrive). */
  redrive(): Promise<{ readonly started: boolean; readonly waiting: number }>;
}

export function sqsDeadLetters(client: SQSClient, queueUrl: string): DeadLetters {
  let arn: string | undefined;
  const attributes = async () => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    arn = Attributes.QueueArn;
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  return {
    async depth() {
      const depth = await attributes();
      const tasks = await client
        .send(new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }))
        .then((answer) => answer.Results ?? [])
        // Not every SQS-compatible endpoint lists move tasks; the depth is what matters.
        .catch(() => []);
      const [task] = tasks;
      return {
        ...depth,
        ...(task?.Status && {
          lastRedrive: { status: task.Status, moved: task.ApproximateNumberOfMessagesMoved ?? 0 },
        }),
      };
    },
    async redrive() {
      const { waiting } = await attributes();
      if (waiting === 0) return { started: false, waiting };
      // Without a destination, SQS moves the messages back to the queue they were dead-lettered from.
      await client.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
      return { started: true, waiting };
    },
  };
}
