import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, type Resources, synthesize, type Synthesized, unacknowledgedNagFindings } from './synth.js';

const source = 'aws.partner/shopify.com/1234567/shopify-sync';

describe('webhookDelivery "eventbridge"', () => {
  let synth: Synthesized;
  let resources: Resources;

  // A synth bundles six Lambdas: minutes on a busy two-core machine.
  beforeAll(() => {
    synth = synthesize({ webhookDelivery: 'eventbridge', shopifyEventSource: source });
    resources = synth.resources;
  }, 600_000);
  afterAll(() => synth?.cleanup());

  const delivery = () => synth.stack.eventBridgeDelivery!;
  const id = (construct: Parameters<Synthesized['logicalId']>[0]) => synth.logicalId(construct);

  it('creates the partner event bus of the Shopify event source', () => {
    expect(resources[id(delivery().partnerBus)]!.Properties).toEqual({
      Name: source,
      EventSourceName: source,
    });
  });

  it("routes Shopify's webhook events on that bus to an encrypted queue, parking what cannot be queued", () => {
    const rule = resources[id(delivery().rule)]!.Properties!;
    expect(rule).toMatchObject({
      EventBusName: { Ref: id(delivery().partnerBus) },
      EventPattern: { source: [source], 'detail-type': ['shopifyWebhook'] },
      State: 'ENABLED',
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [id(delivery().queue), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(delivery().deadLetterQueue), 'Arn'] } },
      }),
    ]);
    expect(resources[id(delivery().queue)]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [id(delivery().deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    // Only the rule may send to the queue (and to its dead-letter queue).
    const senders = ofType(resources, 'AWS::SQS::QueuePolicy').flatMap(([, policy]) =>
      (policy.Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.filter(
        (statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('sqs:SendMessage'),
      ),
    );
    expect(senders.map((statement) => statement.Resource)).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [id(delivery().queue), 'Arn'] },
        { 'Fn::GetAtt': [id(delivery().deadLetterQueue), 'Arn'] },
      ]),
    );
    for (const statement of senders) {
      expect(statement).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id(delivery().rule), 'Arn'] } } },
      });
    }
  });

  it('alarms when a webhook event reaches the dead-letter queue', () => {
    const alarm = synth.stack.monitoring.alarms.get('WebhookDeadLetters');
    expect(alarm).toBeDefined();
    expect(resources[synth.logicalId(alarm!)]!.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(delivery().deadLetterQueue), 'QueueName'] } },
      ],
      Threshold: 0,
      AlarmActions: [{ Ref: synth.logicalId(synth.stack.monitoring.alarmTopic) }],
    });
  });

  it('reads the queue with the ingest Lambda in batches with partial-batch failures', () => {
    const ingest = resources[id(delivery().ingest)]!.Properties!;
    expect(ingest).toMatchObject({ Runtime: 'nodejs24.x', Timeout: 60 });
    expect((ingest.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      WEBHOOK_DELIVERY: 'eventbridge',
      SHOPIFY_EVENT_SOURCE_ARN: {
        'Fn::Join': ['', ['arn:aws:events:', { Ref: 'AWS::Region' }, `::event-source/${source}`]],
      },
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id(delivery().ingest) },
      EventSourceArn: { 'Fn::GetAtt': [id(delivery().queue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('points every function at the event source, so the subscriptions they create deliver there', () => {
    for (const lambdaId of ['api', 'healthCheck'] as const) {
      const fn = resources[id(synth.stack.lambdas.functions.get(lambdaId)!)]!.Properties!;
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        WEBHOOK_DELIVERY: 'eventbridge',
      });
    }
  });

  it('stays clean under cdk-nag', () => {
    expect(unacknowledgedNagFindings(synth.app)).toEqual([]);
  });
});
