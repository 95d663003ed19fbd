import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LambdaId } from '../../lambdas/handlers/catalog.js';

export interface MonitoringProps {
  readonly functions: ReadonlyMap<LambdaId, NodejsFunction>;
  readonly deadLetterQueue: IQueue;
  readonly syncWorker: NodejsFunction;
  /** 5xx answers to Shopify's webhook deliveries, one metric per webhook route. */
  readonly webhookServerErrors: readonly IMetric[];
  readonly alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms for the failures a user would otherwise learn about from stale data: a parked sync,
 * a failing Lambda, webhooks Shopify sees failing (it deletes subscriptions that keep failing),
 * and a throttled worker. All of them notify one SNS topic.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Shopify sync alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.alarm('SyncDeadLetters', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      description: 'A sync message failed repeatedly and was parked in the dead-letter queue',
    });
    for (const [lambdaId, fn] of props.functions) {
      this.alarm(`${lambdaId}Errors`, {
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        description: `The ${lambdaId} Lambda failed (errors or timeouts)`,
      });
    }
    props.webhookServerErrors.forEach((metric, index) =>
      this.alarm(index === 0 ? 'WebhookServerErrors' : `WebhookServerErrors${index + 1}`, {
        metric,
        description:
          'Shopify webhook deliveries answered 5xx; Shopify removes subscriptions that keep failing',
      }),
    );
    this.alarm('SyncWorkerThrottles', {
      metric: props.syncWorker.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
      description:
        'The sync worker was throttled: raise its reserved concurrency or lower its max concurrency',
    });
  }

  private alarm(id: string, props: { metric: IMetric; description: string }): void {
    const alarm = new Alarm(this, id, {
      metric: props.metric,
      alarmDescription: props.description,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means nothing happened: no errors, no messages.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
