import { readFileSync } from 'node:fs';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lambdas/handlers/catalog.js';
import { ofType, type Resources, synthesize, type Synthesized } from './synth.js';

let synth: Synthesized;
let resources: Resources;

beforeAll(() => {
  synth = synthesize();
  resources = synth.resources;
});
afterAll(() => synth?.cleanup());

type Props = Record<string, unknown>;
const propsOf = (construct: IConstruct) => resources[synth.logicalId(construct)]!.Properties! as Props;
const alarm = (id: string): Props => {
  const found = synth.stack.monitoring.alarms.get(id);
  if (!found) throw new Error(`No alarm ${id}`);
  return propsOf(found);
};
const topicRef = () => ({ Ref: synth.logicalId(synth.stack.monitoring.alarmTopic) });
const fnRef = (id: 'webhook' | 'api' | 'fanOut' | 'syncWorker' | 'healthCheck') => ({
  Ref: synth.logicalId(synth.stack.lambdas.functions.get(id)!),
});

interface MetricStatEntry {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] }; Stat: string };
}
const metricNamesOf = (props: Props): string[] =>
  ((props.Metrics ?? []) as MetricStatEntry[]).flatMap((m) =>
    m.MetricStat ? [m.MetricStat.Metric.MetricName] : [],
  );
const rootExpression = (props: Props): string | undefined =>
  ((props.Metrics ?? []) as (MetricStatEntry & { ReturnData?: boolean })[]).find(
    (m) => m.ReturnData !== false && m.Expression,
  )?.Expression;
const ownMetric = { Name: 'service', Value: 'shopify-sync' };

describe('alarms on what actually breaks', () => {
  it('webhook rejections: more than half of at least 5 deliveries rejected, two 15-minute periods running', () => {
    const props = alarm('WebhookRejectionRate');
    expect(rootExpression(props)).toBe('IF(total >= 5, 100 * rejected / total, 0)');
    expect(metricNamesOf(props)).toEqual(
      expect.arrayContaining([
        'WebhookRejected',
        'WebhookWritten',
        'WebhookStale',
        'WebhookDuplicate',
        'WebhookIgnored',
      ]),
    );
    expect(props).toMatchObject({
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    for (const entry of props.Metrics as MetricStatEntry[])
      if (entry.MetricStat)
        expect(entry.MetricStat.Metric).toMatchObject({ Namespace: 'ShopifySync', Dimensions: [ownMetric] });
  });

  it('a store newly needing attention fires at once', () => {
    expect(alarm('IntegrationsNeedingAttention')).toMatchObject({
      Namespace: 'ShopifySync',
      MetricName: 'IntegrationsNeedingAttention',
      Dimensions: [ownMetric],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('stale stores: the hourly census counts any store without a sync for 3 intervals', () => {
    expect(alarm('StoresStale')).toMatchObject({
      MetricName: 'StoresStale',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // 3 × the default hourly schedule, given to the fan-out that takes the census.
    expect(propsOf(synth.stack.syncPipeline.fanOut)).toMatchObject({
      Environment: { Variables: { STALE_AFTER_MINUTES: '180', WEBHOOKS_SILENT_AFTER_MINUTES: '360' } },
    });
  });

  it('non-expiring tokens: fires while any store still holds a static token (public apps lose them on 2027-01-01)', () => {
    expect(alarm('NonExpiringTokens')).toMatchObject({
      MetricName: 'NonExpiringTokens',
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // The census counts them only in a public deployment (the default), which the fan-out is told.
    expect(propsOf(synth.stack.syncPipeline.fanOut)).toMatchObject({
      Environment: { Variables: { SHOPIFY_APP_DISTRIBUTION: 'public' } },
    });
  });

  it('sync failures from the worker’s metrics, not the DLQ: over a quarter of at least 3 attempts', () => {
    const props = alarm('SyncFailureRate');
    expect(rootExpression(props)).toBe(
      'IF(attemptFailed + failed + succeeded + paused >= 3, 100 * (attemptFailed + failed) / (attemptFailed + failed + succeeded + paused), 0)',
    );
    expect(props.Metrics).toHaveLength(5); // 4 metrics, each read once (billed per metric), + the expression
    expect(metricNamesOf(props)).toEqual(
      expect.arrayContaining(['SyncAttemptFailed', 'SyncFailed', 'SyncSucceeded', 'SyncPaused']),
    );
    expect(props).toMatchObject({ Threshold: 25, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  it('5xx on any route, the IAM routes included, and on the webhook route by itself', () => {
    const apiId = { Ref: synth.logicalId(synth.stack.ingestApi.api) };
    expect(alarm('ApiServerErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [
        { Name: 'ApiId', Value: apiId },
        { Name: 'Stage', Value: '$default' },
      ],
      Threshold: 0,
    });
    const webhook5xx = alarm('WebhookServerErrors');
    expect(webhook5xx).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect((webhook5xx.Metrics as MetricStatEntry[])[0]!.MetricStat!.Metric).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: expect.arrayContaining([{ Name: 'Route', Value: 'POST /webhooks/shopify' }]),
    });
  });

  it('age of the oldest queued sync message: the older lane over one interval plus two worker timeouts, for 15 minutes', () => {
    const age = alarm('SyncQueueAge');
    expect(age).toMatchObject({ Threshold: 70 * 60, EvaluationPeriods: 3 });
    const metrics = age.Metrics as MetricStatEntry[];
    expect(rootExpression(age)).toBe('MAX([longLane, incrementalLane])');
    const laneOf = (id: string) => metrics.find((metric) => metric.Id === id)!.MetricStat!;
    for (const [id, queue] of [
      ['longLane', synth.stack.syncPipeline.queue],
      ['incrementalLane', synth.stack.syncPipeline.incrementalQueue],
    ] as const) {
      expect(laneOf(id)).toMatchObject({
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [synth.logicalId(queue), 'QueueName'] } }],
        },
        Stat: 'Maximum',
      });
    }
  });

  it('deliveries stopped: a composite of low webhook volume (anomaly band) and syncs healing changes', () => {
    const composite = alarm('WebhookDeliveriesStopped');
    const [volume, healing] = ['WebhookVolumeLow', 'SyncHealingChanges'].map((id) =>
      synth.stack.monitoring.node.findChild(id),
    );
    expect(composite.AlarmRule).toEqual({
      'Fn::Join': [
        '',
        [
          '(ALARM("',
          { 'Fn::GetAtt': [synth.logicalId(volume!), 'Arn'] },
          '") AND ALARM("',
          { 'Fn::GetAtt': [synth.logicalId(healing!), 'Arn'] },
          '"))',
        ],
      ],
    });
    const volumeProps = propsOf(volume!);
    expect(volumeProps.ComparisonOperator).toBe('LessThanLowerThreshold');
    expect(rootExpression(volumeProps)).toMatch(/^ANOMALY_DETECTION_BAND\(m\d, 2\)$/);
    expect(metricNamesOf(volumeProps)).toEqual(['WebhooksVerified']);
    expect(propsOf(healing!)).toMatchObject({ MetricName: 'HealedBySync', Threshold: 0, Period: 3600 });
    // The inputs notify only through the composite: either alone is noise.
    for (const input of [volumeProps, propsOf(healing!)]) expect(input.AlarmActions).toBeUndefined();
    expect(alarm('StoresWebhooksSilent')).toMatchObject({
      MetricName: 'StoresWebhooksSilent',
      Statistic: 'Maximum',
    });
  });

  it('stores missing an access scope: the census gauge, while any store lacks one', () => {
    expect(alarm('StoresMissingScope')).toMatchObject({
      Namespace: 'ShopifySync',
      MetricName: 'StoresMissingScope',
      Dimensions: [{ Name: 'service', Value: 'shopify-sync' }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
      OKActions: [topicRef()],
    });
  });

  it('keeps the DLQ, per-function errors and worker-throttle alarms', () => {
    expect(alarm('SyncDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    for (const id of ['webhook', 'api', 'fanOut', 'syncWorker', 'healthCheck'] as const) {
      expect(alarm(`${id}Errors`)).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: fnRef(id) }],
      });
    }
    expect(alarm('SyncWorkerThrottles')).toMatchObject({
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: fnRef('syncWorker') }],
    });
  });

  it('every alarm but the composite’s two inputs notifies the topic when it fires and when it clears', () => {
    const notifying = [...synth.stack.monitoring.alarms.values()].map(propsOf);
    const all = [
      ...ofType(resources, 'AWS::CloudWatch::Alarm'),
      ...ofType(resources, 'AWS::CloudWatch::CompositeAlarm'),
    ];
    expect(notifying).toHaveLength(all.length - 2);
    for (const props of notifying) {
      expect(props.AlarmActions).toEqual([topicRef()]);
      expect(props.OKActions).toEqual([topicRef()]);
    }
    expect(ofType(resources, 'AWS::SNS::Subscription')).toHaveLength(0);
  });

  it('no metric of the service has a dimension that grows with the number of stores', () => {
    const own = JSON.stringify(resources).match(/"Namespace":"ShopifySync"[^}]*\}/g) ?? [];
    expect(own.length).toBeGreaterThan(10);
    const dimensions = JSON.stringify(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
        .flatMap((r) => [
          r.Properties!,
          ...((r.Properties!.Metrics ?? []) as MetricStatEntry[]).map((m) => m.MetricStat?.Metric ?? {}),
        ])
        .filter((m) => (m as Props).Namespace === 'ShopifySync')
        .map((m) => (m as Props).Dimensions),
    );
    const names = [...dimensions.matchAll(/"Name":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(names)).toEqual(new Set(['service']));
    // The dashboard reads the bounded extra dimensions: rejection reason, resource (never a store).
    const body = JSON.stringify(propsOf(synth.stack.monitoring.dashboard).DashboardBody);
    for (const search of body.match(/SEARCH\([^)]*\)/g) ?? [])
      expect(search).toMatch(/\{ShopifySync,(reason|resource),service\}/);
  });
});

describe('the runbook', () => {
  const runbook = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const headings = runbook.split('\n').filter((line) => line.startsWith('#### '));

  it('has an entry per alarm: what fired, what it means, what to do', () => {
    for (const id of synth.stack.monitoring.alarms.keys()) {
      const heading = headings.find((line) => line.split(/[ ,`]+/).includes(id));
      expect(heading, `runbook entry for ${id}`).toBeDefined();
      const entry = runbook.slice(
        runbook.indexOf(heading!),
        runbook.indexOf('\n#### ', runbook.indexOf(heading!) + 1),
      );
      expect(entry).toMatch(/\*\*What fired\.\*\*/);
      expect(entry).toMatch(/\*\*What it means\.\*\*/);
      expect(entry).toMatch(/\*\*What to do\.\*\*/);
    }
  });
});

describe('the dashboard', () => {
  const body = () => JSON.stringify(propsOf(synth.stack.monitoring.dashboard).DashboardBody);

  it('is one per stage, named after it', () => {
    expect(propsOf(synth.stack.monitoring.dashboard).DashboardName).toBe(
      `shopify-sync-${synth.stack.node.tryGetContext('stage') ?? 'dev'}`,
    );
  });

  it.each([
    [
      'webhooks accepted, rejected (by reason), duplicate',
      ['WebhookWritten', 'WebhookRejected', 'MetricName=\\\\\\"WebhookRejected\\\\\\"', 'WebhookDuplicate'],
    ],
    ['webhook latency', ['Latency', 'p99']],
    [
      'syncs started, succeeded, failed, records written per resource',
      [
        'SyncsEnqueued',
        'SyncSucceeded',
        'SyncFailed',
        'SyncAttemptFailed',
        'RecordsWritten',
        'HealedBySync',
        '{ShopifySync,resource,service}',
      ],
    ],
    [
      'Shopify points, throttle waits, THROTTLED',
      ['ShopifyCostUsed', 'ShopifyThrottleWaits', 'ShopifyThrottledResponses'],
    ],
    [
      'queue depth, age of oldest, DLQ depth',
      ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
    ],
    [
      'stores active, needing attention, stale',
      [
        'StoresActive',
        'StoresNeedingAttention',
        'StoresStale',
        'StoresWebhooksSilent',
        'StoresMissingScope',
        'Stores missing an access scope, per resource',
        'NonExpiringTokens',
      ],
    ],
    ['Lambda errors, throttles, durations', ['\\"Errors\\"', '\\"Throttles\\"', '\\"Duration\\"']],
    ['API 4xx/5xx per route', ['\\"4xx\\"', '\\"5xx\\"', ...apiRoutes.map((r) => `${r.method} ${r.path}`)]],
  ])('shows %s', (_what, needles) => {
    for (const needle of needles) expect(body()).toContain(needle);
  });
});
