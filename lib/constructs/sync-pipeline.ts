import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ShopifySyncConfig } from '../config.js';
import type { LambdaFactory } from './lambda-function.js';

export interface SyncPipelineProps {
  readonly lambdas: LambdaFactory;
  readonly config: Pick<
    ShopifySyncConfig,
    | 'syncSchedule'
    | 'healthCheckSchedule'
    | 'workerTimeoutSeconds'
    | 'workerReservedConcurrency'
    | 'workerMaxConcurrency'
    | 'incrementalWorkerMaxConcurrency'
  >;
}

/** Receives after which a sync message is parked in the DLQ: rides out a few Shopify/Lambda blips. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The sync queue's visibility timeout: AWS's guidance for Lambda consumers, at least six times
 * the function timeout, so a message is not redelivered while the first attempt (plus the
 * poller's retries) may still run. A failed attempt never waits longer to retry than this.
 */
export const syncQueueVisibilitySeconds = (config: Pick<ShopifySyncConfig, 'workerTimeoutSeconds'>): number =>
  config.workerTimeoutSeconds * 6;

/**
 * Scheduled syncing: an EventBridge rule wakes the fan-out, which enqueues one message per due
 * integration; the worker consumes them. A daily rule runs the webhook health check. Rules are
 * account-internal: nothing here has an endpoint reachable from the internet.
 *
 * Two lanes (lambdas/core/sync/sync-lanes.ts), each a queue with its own event source and
 * maximum concurrency: long work (initial syncs, continuations) in `queue`, hourly and manual
 * syncs in `incrementalQueue`, so twenty large stores onboarding cannot hold the concurrency that
 * every small store's hourly sync needs. Inside each lane, messages carry their store as the
 * MessageGroupId: SQS fair queues then serve quiet stores before a store with a backlog.
 */
export class SyncPipeline extends Construct {
  /** The long-work lane (SYNC_QUEUE_URL): kept from before the lanes, so an upgrade loses no message. */
  readonly queue: Queue;
  /** The incremental lane (INCREMENTAL_SYNC_QUEUE_URL). */
  readonly incrementalQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fanOut: NodejsFunction;
  readonly syncWorker: NodejsFunction;
  readonly healthCheck: NodejsFunction;

  constructor(scope: Construct, id: string, props: SyncPipelineProps) {
    super(scope, id);
    const { lambdas, config } = props;
    const workerTimeout = Duration.seconds(config.workerTimeoutSeconds);

    this.deadLetterQueue = new Queue(this, 'SyncDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const laneQueue = (id: string) =>
      new Queue(this, id, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(syncQueueVisibilitySeconds(config)),
        retentionPeriod: Duration.days(4),
        // One dead-letter queue for both lanes: a redriven message finds its run from either.
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
    this.queue = laneQueue('SyncQueue');
    this.incrementalQueue = laneQueue('IncrementalSyncQueue');

    this.fanOut = lambdas.create(this, 'fanOut', { memorySize: 512, timeout: Duration.minutes(5) });
    new Rule(this, 'SyncSchedule', {
      description: 'Starts a sync round: the fan-out enqueues every due integration',
      schedule: Schedule.expression(config.syncSchedule),
      // A missed round is harmless (the next one catches up), a very late one is just noise.
      targets: [new LambdaFunction(this.fanOut, { retryAttempts: 2, maxEventAge: Duration.minutes(30) })],
    });

    this.syncWorker = lambdas.create(this, 'syncWorker', {
      memorySize: 1024,
      // Long syncs hand over to a continuation message before this deadline.
      timeout: workerTimeout,
      reservedConcurrentExecutions: config.workerReservedConcurrency,
    });
    for (const [queue, maxConcurrency] of [
      [this.queue, config.workerMaxConcurrency],
      [this.incrementalQueue, config.incrementalWorkerMaxConcurrency],
    ] as const) {
      this.syncWorker.addEventSource(
        new SqsEventSource(queue, {
          // One message is one sync that uses the whole time budget; a batch would start later
          // messages with less of it.
          batchSize: 1,
          reportBatchItemFailures: true,
          // Per event source: each lane keeps its own share of the worker's concurrency.
          maxConcurrency,
        }),
      );
    }

    this.healthCheck = lambdas.create(this, 'healthCheck', {
      memorySize: 512,
      timeout: Duration.minutes(15),
    });
    new Rule(this, 'HealthCheckSchedule', {
      description: 'Verifies and repairs every integration’s webhook subscriptions',
      schedule: Schedule.expression(config.healthCheckSchedule),
      targets: [new LambdaFunction(this.healthCheck, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }

  /** Lets `grantee` enqueue syncs in either lane (the SQS adapter picks the lane per message). */
  grantSendMessages(grantee: IGrantable): void {
    this.queue.grantSendMessages(grantee);
    this.incrementalQueue.grantSendMessages(grantee);
  }
}
