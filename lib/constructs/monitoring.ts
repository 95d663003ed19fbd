import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmStatusWidget,
  AnomalyDetectionAlarm,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ApiRoute, LambdaId } from '../../lambdas/handlers/catalog.js';

/** The EMF namespace and the one dimension Powertools adds (`service`); see adapters/observability.ts. */
export const METRICS_NAMESPACE = 'ShopifySync';
export const SERVICE_NAME = 'shopify-sync';

/** What the HTTP API construct offers the dashboard and the alarms. */
export interface ApiMetrics {
  /** 5xx answers of the whole stage: every route, the IAM routes included. */
  metricServerErrors(): IMetric;
  metricRoute(route: ApiRoute, metricName: '4xx' | '5xx' | 'Latency', statistic?: string): IMetric;
  readonly routes: readonly ApiRoute[];
}

export interface MonitoringProps {
  readonly stage: string;
  readonly functions: ReadonlyMap<LambdaId, NodejsFunction>;
  readonly queue: IQueue;
  /** The incremental lane's queue (hourly syncs); its age counts in SyncQueueAge too. */
  readonly incrementalQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly syncWorker: NodejsFunction;
  readonly api: ApiMetrics;
  /** A sync message older than this has waited more than a whole round: the worker is behind. */
  readonly maxQueueAge: Duration;
  readonly alarmEmail?: string;
  /** EventBridge webhook delivery's dead-letter queue, when the stack takes webhooks that way. */
  readonly webhookDeadLetterQueue?: IQueue;
}

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);
const ONE_HOUR = Duration.hours(1);

/** One of the service's own (EMF) metrics: namespace ShopifySync, dimension service only. */
export const serviceMetric = (metricName: string, statistic = Stats.SUM, period = FIVE_MINUTES): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period,
  });

/** Outcomes of a verified or rejected delivery, as the webhook handler counts them. */
const webhookOutcomes = ['WebhookWritten', 'WebhookStale', 'WebhookDuplicate', 'WebhookIgnored'] as const;
const syncOutcomes = [
  'SyncSucceeded',
  'SyncPaused',
  'SyncFailed',
  'SyncAttemptFailed',
  'SyncSkipped',
  'SyncDuplicateMessage',
] as const;
const storeGauges = [
  'StoresActive',
  'StoresNeedingAttention',
  'StoresStale',
  'StoresWebhooksSilent',
  'StoresMissingScope',
  'NonExpiringTokens',
] as const;

/**
 * Alarms on what actually breaks (docs/operations.md has a runbook entry per alarm, under its id)
 * and one dashboard per stage. Every alarm notifies the SNS topic when it fires and when it
 * clears; the two inputs of the composite "deliveries stopped" alarm notify only through it.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  /** Alarms that notify the topic, by id (the runbook's headings). */
  readonly alarms = new Map<string, IAlarm>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Shopify sync alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    // --- Webhooks --------------------------------------------------------------------------
    const rejected = serviceMetric('WebhookRejected', Stats.SUM, FIFTEEN_MINUTES);
    const webhookTotal = new MathExpression({
      expression: 'rejected + written + stale + duplicate + ignored',
      usingMetrics: {
        rejected,
        written: serviceMetric('WebhookWritten', Stats.SUM, FIFTEEN_MINUTES),
        stale: serviceMetric('WebhookStale', Stats.SUM, FIFTEEN_MINUTES),
        duplicate: serviceMetric('WebhookDuplicate', Stats.SUM, FIFTEEN_MINUTES),
        ignored: serviceMetric('WebhookIgnored', Stats.SUM, FIFTEEN_MINUTES),
      },
      period: FIFTEEN_MINUTES,
    });
    // A wrong or unset app secret rejects every delivery with 401, which no 5xx alarm sees;
    // Shopify deletes a subscription after 8 failed deliveries in a row. A handful of probes
    // from the internet is not an outage: the rate needs 5 deliveries in the window to count.
    this.notify(
      'WebhookRejectionRate',
      new Alarm(this, 'WebhookRejectionRate', {
        metric: new MathExpression({
          expression: 'IF(total >= 5, 100 * rejected / total, 0)',
          usingMetrics: { rejected, total: webhookTotal },
          period: FIFTEEN_MINUTES,
          label: 'Rejected webhook deliveries (%)',
        }),
        threshold: 50,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'More than half of the webhook deliveries were rejected (401/400) for 30 minutes: wrong app secret, or a flood of forged calls',
      }),
    );
    this.notify(
      'WebhookServerErrors',
      this.anyAlarm('WebhookServerErrors', {
        metric: props.api.metricRoute(webhookRoute(props.api.routes), '5xx'),
        description:
          'Shopify webhook deliveries answered 5xx; Shopify removes subscriptions that keep failing',
      }),
    );

    // Deliveries stopped: syncs keep finding changes (healed) while verified deliveries fell
    // below what this deployment normally receives at this hour. Each alone is noise: a busy
    // hour heals a few records, a quiet night receives few webhooks.
    const verified = serviceMetric('WebhooksVerified', Stats.SUM, ONE_HOUR);
    const webhookVolumeLow = new AnomalyDetectionAlarm(this, 'WebhookVolumeLow', {
      metric: verified,
      stdDevs: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription:
        'Verified webhook deliveries are below their usual band (input of WebhookDeliveriesStopped)',
    });
    const healing = new Alarm(this, 'SyncHealingChanges', {
      metric: serviceMetric('HealedBySync', Stats.SUM, ONE_HOUR),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Syncs wrote changes no webhook delivered (input of WebhookDeliveriesStopped)',
    });
    this.notify(
      'WebhookDeliveriesStopped',
      new CompositeAlarm(this, 'WebhookDeliveriesStopped', {
        alarmRule: AlarmRule.allOf(webhookVolumeLow, healing),
        alarmDescription:
          'Webhook deliveries dropped below their usual volume while syncs keep finding changes webhooks missed: endpoint unreachable or subscriptions gone',
      }),
    );
    this.notify(
      'StoresWebhooksSilent',
      this.anyAlarm('StoresWebhooksSilent', {
        metric: serviceMetric('StoresWebhooksSilent', Stats.MAXIMUM, ONE_HOUR),
        description:
          'Stores whose syncs find changes while no webhook arrived for hours (fan-out census; Webhooks Unhealthy events name them)',
      }),
    );

    // --- Stores and syncs ------------------------------------------------------------------
    this.notify(
      'IntegrationsNeedingAttention',
      this.anyAlarm('IntegrationsNeedingAttention', {
        metric: serviceMetric('IntegrationsNeedingAttention'),
        description:
          'A store newly needs attention: Shopify refused its token (or the shop is closed); it stops syncing until reconnected',
      }),
    );
    // A level, not an event: it stays in alarm while any store lacks a scope, so a grant that
    // never comes is not forgotten after one notification.
    this.notify(
      'StoresMissingScope',
      this.anyAlarm('StoresMissingScope', {
        metric: serviceMetric('StoresMissingScope', Stats.MAXIMUM, ONE_HOUR),
        description:
          'Active stores whose grant lacks the access scopes of a mirrored resource (MISSING_SCOPE): that resource is not synced until the merchant grants them (fan-out census)',
      }),
    );
    this.notify(
      'StoresStale',
      this.anyAlarm('StoresStale', {
        metric: serviceMetric('StoresStale', Stats.MAXIMUM, ONE_HOUR),
        description:
          'Active stores without a successful sync for more than 3 sync intervals (fan-out census)',
      }),
    );
    // Public apps' static tokens stop working on 2027-01-01: while any remain, someone must act
    // (the daily job migrates them; one it cannot is a store to re-install).
    this.notify(
      'NonExpiringTokens',
      this.anyAlarm('NonExpiringTokens', {
        metric: serviceMetric('NonExpiringTokens', Stats.MAXIMUM, ONE_HOUR),
        description:
          'Stores still holding a non-expiring (static) token, counted hourly by the fan-out census: public apps lose them on 2027-01-01',
      }),
    );
    // From the worker's metrics, not the DLQ: the DLQ sees a failing sync only after 5 receives,
    // about 2½ hours later.
    this.notify(
      'SyncFailureRate',
      new Alarm(this, 'SyncFailureRate', {
        metric: new MathExpression({
          // Each metric once: CloudWatch bills an alarm per metric it reads.
          expression:
            'IF(attemptFailed + failed + succeeded + paused >= 3, 100 * (attemptFailed + failed) / (attemptFailed + failed + succeeded + paused), 0)',
          usingMetrics: {
            attemptFailed: serviceMetric('SyncAttemptFailed', Stats.SUM, FIFTEEN_MINUTES),
            failed: serviceMetric('SyncFailed', Stats.SUM, FIFTEEN_MINUTES),
            succeeded: serviceMetric('SyncSucceeded', Stats.SUM, FIFTEEN_MINUTES),
            paused: serviceMetric('SyncPaused', Stats.SUM, FIFTEEN_MINUTES),
          },
          period: FIFTEEN_MINUTES,
          label: 'Failed sync attempts (%)',
        }),
        threshold: 25,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'More than a quarter of sync attempts failed for 30 minutes (at least 3 attempts each)',
      }),
    );
    this.notify(
      'SyncQueueAge',
      new Alarm(this, 'SyncQueueAge', {
        // The older of the two lanes' oldest messages: either lane behind is the worker behind.
        metric: new MathExpression({
          expression: 'MAX([longLane, incrementalLane])',
          usingMetrics: {
            longLane: props.queue.metricApproximateAgeOfOldestMessage({
              period: FIVE_MINUTES,
              statistic: Stats.MAXIMUM,
            }),
            incrementalLane: props.incrementalQueue.metricApproximateAgeOfOldestMessage({
              period: FIVE_MINUTES,
              statistic: Stats.MAXIMUM,
            }),
          },
          period: FIVE_MINUTES,
        }),
        threshold: props.maxQueueAge.toSeconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `A sync message waited more than ${props.maxQueueAge.toHumanString()}: the worker is behind or stuck`,
      }),
    );
    this.notify(
      'SyncDeadLetters',
      this.anyAlarm('SyncDeadLetters', {
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: FIVE_MINUTES,
          statistic: Stats.MAXIMUM,
        }),
        description: 'A sync message failed repeatedly and was parked in the dead-letter queue',
      }),
    );

    if (props.webhookDeadLetterQueue) {
      this.notify(
        'WebhookDeadLetters',
        this.anyAlarm('WebhookDeadLetters', {
          metric: props.webhookDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: Stats.MAXIMUM,
          }),
          description:
            'A webhook event from EventBridge failed repeatedly (or could not be queued) and was parked in its dead-letter queue',
        }),
      );
    }

    // --- Lambda and API --------------------------------------------------------------------
    for (const [lambdaId, fn] of props.functions) {
      this.notify(
        `${lambdaId}Errors`,
        this.anyAlarm(`${lambdaId}Errors`, {
          metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
          description: `The ${lambdaId} Lambda failed (errors or timeouts)`,
        }),
      );
    }
    this.notify(
      'SyncWorkerThrottles',
      this.anyAlarm('SyncWorkerThrottles', {
        metric: props.syncWorker.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        description:
          'The sync worker was throttled: raise its reserved concurrency or lower its max concurrency',
      }),
    );
    // The api Lambda turns faults into handled 500s, so its Errors alarm never sees them.
    this.notify(
      'ApiServerErrors',
      this.anyAlarm('ApiServerErrors', {
        metric: props.api.metricServerErrors(),
        description: 'The HTTP API answered 5xx on some route (IAM routes included)',
      }),
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `shopify-sync-${props.stage}`,
      defaultInterval: Duration.days(1),
      widgets: this.widgets(props),
    });
  }

  private widgets(props: MonitoringProps): IWidget[][] {
    const functions = [...props.functions];
    const wide = { width: 12, height: 6 };
    const third = { width: 8, height: 6 };
    const sum = (names: readonly string[]) => names.map((name) => serviceMetric(name));
    const webhook = webhookRoute(props.api.routes);
    const healedRate = new MathExpression({
      expression: '100 * healed / (healed + written)',
      usingMetrics: {
        healed: serviceMetric('HealedBySync', Stats.SUM, ONE_HOUR),
        written: serviceMetric('WebhookWritten', Stats.SUM, ONE_HOUR),
      },
      period: ONE_HOUR,
      label: 'Changes healed by sync (% of all changes mirrored)',
    });
    return [
      [
        new TextWidget({
          markdown: `# shopify-sync (${props.stage})\nRunbook: docs/operations.md, one entry per alarm.`,
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms.values()], width: 24, height: 4 })],
      [
        new GraphWidget({
          title: 'Webhooks: outcomes',
          left: sum(['WebhooksVerified', ...webhookOutcomes, 'WebhookRejected']),
          stacked: false,
          ...third,
        }),
        new GraphWidget({
          title: 'Webhooks: rejected by reason',
          left: [
            new MathExpression({
              expression: `SEARCH('{${METRICS_NAMESPACE},reason,service} MetricName="WebhookRejected"', 'Sum', 300)`,
              label: '',
              period: FIVE_MINUTES,
            }),
          ],
          ...third,
        }),
        new GraphWidget({
          title: 'Webhooks: latency (ms)',
          left: [
            props.api.metricRoute(webhook, 'Latency', Stats.percentile(50)),
            props.api.metricRoute(webhook, 'Latency', Stats.percentile(99)),
          ],
          ...third,
        }),
      ],
      [
        new GraphWidget({ title: 'Syncs', left: sum(['SyncsEnqueued', ...syncOutcomes]), ...third }),
        new GraphWidget({
          title: 'Records written by sync, per resource (and healed)',
          left: ['RecordsWritten', 'HealedBySync'].map(
            (name) =>
              new MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},resource,service} MetricName="${name}"', 'Sum', 300)`,
                label: '',
                period: FIVE_MINUTES,
              }),
          ),
          right: sum(['RecordsSeen']),
          ...third,
        }),
        new GraphWidget({
          title: 'Webhook delivery health',
          left: [healedRate],
          leftYAxis: { min: 0, max: 100 },
          ...third,
        }),
      ],
      [
        new GraphWidget({ title: 'Shopify: points used', left: sum(['ShopifyCostUsed']), ...third }),
        new GraphWidget({
          title: 'Shopify: throttle waits and THROTTLED answers',
          left: sum(['ShopifyThrottleWaits', 'ShopifyThrottledResponses']),
          ...third,
        }),
        new GraphWidget({
          title: 'Sync queue',
          left: [
            props.queue.metricApproximateNumberOfMessagesVisible({
              statistic: Stats.MAXIMUM,
              period: FIVE_MINUTES,
              label: 'Long lane',
            }),
            props.incrementalQueue.metricApproximateNumberOfMessagesVisible({
              statistic: Stats.MAXIMUM,
              period: FIVE_MINUTES,
              label: 'Incremental lane',
            }),
            props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              statistic: Stats.MAXIMUM,
              period: FIVE_MINUTES,
              label: 'Dead letters',
            }),
          ],
          right: [
            props.queue.metricApproximateAgeOfOldestMessage({
              statistic: Stats.MAXIMUM,
              period: FIVE_MINUTES,
              label: 'Age of oldest, long lane (s)',
            }),
            props.incrementalQueue.metricApproximateAgeOfOldestMessage({
              statistic: Stats.MAXIMUM,
              period: FIVE_MINUTES,
              label: 'Age of oldest, incremental lane (s)',
            }),
          ],
          ...third,
        }),
      ],
      [
        new SingleValueWidget({
          title: 'Stores (last census)',
          metrics: storeGauges.map((name) => serviceMetric(name, Stats.MAXIMUM, ONE_HOUR)),
          width: 16,
          height: 6,
        }),
        new GraphWidget({
          title: 'Stores missing an access scope, per resource',
          left: [
            new MathExpression({
              expression: `SEARCH('{${METRICS_NAMESPACE},resource,service} MetricName="StoresMissingScope"', 'Maximum', 3600)`,
              label: '',
              period: ONE_HOUR,
            }),
          ],
          width: 8,
          height: 6,
        }),
      ],
      [
        new GraphWidget({
          title: 'Lambda errors',
          left: functions.map(([id, fn]) => fn.metricErrors({ label: id, period: FIVE_MINUTES })),
          ...third,
        }),
        new GraphWidget({
          title: 'Lambda throttles',
          left: functions.map(([id, fn]) => fn.metricThrottles({ label: id, period: FIVE_MINUTES })),
          ...third,
        }),
        new GraphWidget({
          title: 'Lambda duration p99 (ms)',
          left: functions.map(([id, fn]) =>
            fn.metricDuration({ label: id, statistic: Stats.percentile(99), period: FIVE_MINUTES }),
          ),
          ...third,
        }),
      ],
      [
        new GraphWidget({
          title: 'API 4xx per route',
          left: props.api.routes.map((route) => props.api.metricRoute(route, '4xx')),
          ...wide,
        }),
        new GraphWidget({
          title: 'API 5xx per route',
          left: props.api.routes.map((route) => props.api.metricRoute(route, '5xx')),
          ...wide,
        }),
      ],
    ];
  }

  /** Fires on any occurrence in a 5-minute (or the metric's) period; no data means nothing happened. */
  private anyAlarm(id: string, props: { metric: IMetric; description: string }): Alarm {
    return new Alarm(this, id, {
      metric: props.metric,
      alarmDescription: props.description,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private notify(id: string, alarm: Alarm | CompositeAlarm): void {
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.set(id, alarm);
  }
}

const webhookRoute = (routes: readonly ApiRoute[]): ApiRoute => {
  const route = routes.find((candidate) => candidate.auth === 'HMAC');
  if (!route) throw new Error('The route catalog has no webhook (HMAC) route');
  return route;
};
