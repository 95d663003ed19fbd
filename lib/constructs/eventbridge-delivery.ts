import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SHOPIFY_WEBHOOK_DETAIL_TYPE } from '../../lambdas/core/webhooks/eventbridge-delivery.js';
import type { LambdaFactory } from './lambda-function.js';

export interface EventBridgeDeliveryProps {
  readonly lambdas: LambdaFactory;
  /** `aws.partner/shopify.com/<app id>/<name>` (CDK context `shopifyEventSource`). */
  readonly eventSourceName: string;
}

/** Receives after which a webhook event is parked in the dead-letter queue (and alarms). */
export const WEBHOOK_EVENT_MAX_RECEIVES = 5;
const INGEST_TIMEOUT_SECONDS = 60;

/**
 * Webhooks through Amazon EventBridge (CDK context `webhookDelivery: 'eventbridge'`): the partner
 * event bus of the app's Shopify event source, a rule that sends Shopify's webhook events to an
 * SQS queue, and the ingest Lambda reading that queue in batches. Nothing here is reachable from
 * the internet: only Shopify publishes to the partner source, only the rule sends to the queue.
 *
 * The queue sits between the rule and the Lambda so that a burst (a bulk edit of 50,000 products)
 * waits in SQS instead of being throttled away, and what keeps failing lands in the dead-letter
 * queue, where an alarm sees it and `redrive` returns it.
 */
export class EventBridgeDelivery extends Construct {
  readonly partnerBus: EventBus;
  readonly rule: Rule;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly ingest: NodejsFunction;

  constructor(scope: Construct, id: string, props: EventBridgeDeliveryProps) {
    super(scope, id);
    // Exists only once the event source is associated in the account (README, "EventBridge
    // delivery"): CloudFormation fails here, naming the source, if it was not.
    this.partnerBus = new EventBus(this, 'PartnerBus', { eventSourceName: props.eventSourceName });

    this.deadLetterQueue = new Queue(this, 'WebhookDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'WebhookQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda consumers: six times the function timeout.
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT_SECONDS * 6),
      // Shopify retries a failed put for hours; what we hold longer than that is stale anyway,
      // and the hourly sync has caught up with it.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_EVENT_MAX_RECEIVES },
    });

    this.rule = new Rule(this, 'WebhookRule', {
      description: 'Shopify webhook events of the partner event source → the webhook queue',
      eventBus: this.partnerBus,
      eventPattern: { source: [props.eventSourceName], detailType: [SHOPIFY_WEBHOOK_DETAIL_TYPE] },
      // An event EventBridge could not put on the queue is kept in the same dead-letter queue.
      targets: [
        new SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue, maxEventAge: Duration.hours(24) }),
      ],
    });

    this.ingest = props.lambdas.create(this, 'webhookEvents', {
      memorySize: 512,
      timeout: Duration.seconds(INGEST_TIMEOUT_SECONDS),
    });
    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        // Deliveries are small and independent: a batch shares one cold start and its clients,
        // and a failed one alone comes back (partial batch responses).
        batchSize: 10,
        reportBatchItemFailures: true,
      }),
    );
  }
}
