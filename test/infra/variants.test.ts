import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRoute, apiRoutes } from '../../lambdas/handlers/catalog.js';
import type { DeploymentEnvironment } from '../../lambdas/handlers/environment.js';
import { IngestApi } from '../../lib/constructs/ingest-api.js';
import { LambdaFactory } from '../../lib/constructs/lambda-function.js';
import {
  bundleOf,
  ofType,
  type Resources,
  synthesize,
  type Synthesized,
  unacknowledgedNagFindings,
} from './synth.js';

describe('a stack configured away from the defaults', () => {
  let synth: Synthesized;
  let resources: Resources;

  beforeAll(() => {
    synth = synthesize({
      stage: 'staging',
      alarmEmail: 'ops@example.com',
      removalPolicy: 'destroy',
      tracing: 'true',
      workerReservedConcurrency: '10',
      workerMaxConcurrency: 8,
      incrementalWorkerMaxConcurrency: 2,
      workerTimeoutSeconds: 600,
      syncSchedule: 'cron(0/30 * * * ? *)',
      logRetentionDays: 30,
      dataExportRetentionDays: '7',
      eventBus: 'stack',
    });
    resources = synth.resources;
  });
  afterAll(() => synth?.cleanup());

  const worker = () => resources[synth.logicalId(synth.stack.syncPipeline.syncWorker)]!.Properties!;

  it('with eventBus "stack", puts backend events on its own bus, which only the event sources may write to', () => {
    const bus = synth.stack.eventBus;
    expect(resources[synth.logicalId(bus)]!.Properties).toEqual({ Name: 'shopify-sync-staging' });
    const writers = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties!.PolicyDocument).includes('events:PutEvents'))
      .map(([, policy]) => JSON.stringify(policy.Properties!.Roles));
    expect(writers).toHaveLength(3); // api, syncWorker, healthCheck
    for (const id of ['api', 'syncWorker', 'healthCheck'] as const) {
      const fn = resources[synth.logicalId(synth.stack.lambdas.functions.get(id)!)]!.Properties!;
      expect(fn).toMatchObject({
        Environment: { Variables: { EVENT_BUS_NAME: { Ref: synth.logicalId(bus) } } },
      });
    }
  });

  it('subscribes the alarm email to the alarm topic', () => {
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: synth.logicalId(synth.stack.monitoring.alarmTopic) },
    });
  });

  it('with removalPolicy "destroy", deletes the tables, the token key and the app secret with the stack', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
      for (const [id, resource] of ofType(resources, type))
        expect([id, resource.DeletionPolicy]).toEqual([id, 'Delete']);
    }
    for (const [, table] of ofType(resources, 'AWS::DynamoDB::Table')) {
      expect(table.Properties!.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('applies the worker timeout, reserved and maximum concurrency, and scales the queue visibility with them', () => {
    expect(worker()).toMatchObject({ Timeout: 600, ReservedConcurrentExecutions: 10 });
    expect(resources[synth.logicalId(synth.stack.syncPipeline.queue)]!.Properties!.VisibilityTimeout).toBe(
      3600,
    );
    const concurrency = ofType(resources, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => [
      (mapping.Properties!.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      (mapping.Properties!.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency,
    ]);
    // Each lane its own: the long lane workerMaxConcurrency, the incremental lane its own key.
    expect(Object.fromEntries(concurrency)).toEqual({
      [synth.logicalId(synth.stack.syncPipeline.queue)]: 8,
      [synth.logicalId(synth.stack.syncPipeline.incrementalQueue)]: 2,
    });
  });

  it('keeps data-request exports for the configured number of days', () => {
    const webhook = resources[synth.logicalId(synth.stack.lambdas.functions.get('webhook')!)]!.Properties!;
    expect((webhook.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      DATA_EXPORT_RETENTION_DAYS: '7',
    });
  });

  it('uses the configured sync schedule and log retention', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0/30 * * * ? *)' });
    for (const [, logGroup] of ofType(resources, 'AWS::Logs::LogGroup')) {
      expect(logGroup.Properties!.RetentionInDays).toBe(30);
    }
  });

  it('turns on active tracing everywhere and stays clean under cdk-nag', () => {
    for (const [, fn] of ofType(resources, 'AWS::Lambda::Function')) {
      expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
      // The Tracer is bundled only into stacks that trace (lambda-function.ts, `define`).
      expect(bundleOf(synth, fn)).toContain('AWS_XRAY_CONTEXT_MISSING');
    }
    expect(unacknowledgedNagFindings(synth.app)).toEqual([]);
  });
});

describe('the ingest API on its own', () => {
  const webhookRoute = apiRoutes.find((route) => route.lambda === 'webhook')!;
  const lambdas = () =>
    new LambdaFactory({
      // The API on its own: what its functions would read at cold start is not under test here.
      environment: {} as DeploymentEnvironment,
      logRetention: RetentionDays.ONE_WEEK,
      logLevel: 'INFO',
      logRemovalPolicy: RemovalPolicy.DESTROY,
      tracing: false,
    });
  const build = (routes: readonly ApiRoute[]) => {
    const app = new App();
    const stack = new Stack(app, 'ApiOnly');
    const api = new IngestApi(stack, 'IngestApi', {
      lambdas: lambdas(),
      routes,
      throttle: { rateLimit: 10, burstLimit: 20 },
      webhookThrottle: { rateLimit: 50, burstLimit: 100 },
      accessLogRetention: RetentionDays.ONE_WEEK,
      accessLogRemovalPolicy: RemovalPolicy.DESTROY,
    });
    return { app, stack, api };
  };

  it('puts IAM routes behind the IAM authorizer, sharing one function per Lambda', () => {
    const { app, stack, api } = build([
      webhookRoute,
      { method: 'GET', path: '/example', lambda: 'api', auth: 'IAM' },
      { method: 'POST', path: '/example/{exampleId}', lambda: 'api', auth: 'IAM' },
    ]);
    const template = Template.fromStack(stack);
    const routes = ofType(template.toJSON().Resources as Resources, 'AWS::ApiGatewayV2::Route').map(
      ([, route]) => [route.Properties!.RouteKey, route.Properties!.AuthorizationType],
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        ['POST /webhooks/shopify', 'NONE'],
        ['GET /example', 'AWS_IAM'],
        ['POST /example/{exampleId}', 'AWS_IAM'],
      ]),
    );
    expect(Object.keys(api.functions).sort()).toEqual(['api', 'webhook']);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    // The IAM routes need no acknowledgement; only the HMAC route carries one.
    expect(unacknowledgedNagFindings(app)).toEqual([]);
  });

  it('refuses a route to a Lambda that is not an HTTP Lambda', () => {
    expect(() =>
      build([webhookRoute, { method: 'POST', path: '/sync', lambda: 'syncWorker', auth: 'IAM' }]),
    ).toThrow('A route targets the "syncWorker" Lambda, which is not an HTTP Lambda');
  });

  it('refuses a catalog without the HMAC webhook route, since Shopify could not deliver anywhere', () => {
    expect(() => build([{ method: 'GET', path: '/customers', lambda: 'api', auth: 'IAM' }])).toThrow(
      /must send Shopify webhooks/,
    );
  });
});

describe('webhookWaf: the webhook route behind AWS WAF', () => {
  let synth: Synthesized;
  let resources: Resources;
  beforeAll(() => {
    // As `-c webhookWaf='{"rateLimitPer5Min":2000}'` arrives from the command line: a string.
    synth = synthesize({ webhookWaf: '{"rateLimitPer5Min":2000}' });
    resources = synth.resources;
  });
  afterAll(() => synth?.cleanup());

  it('blocks a source IP past the limit in 5 minutes, on the REST stage that serves the route', () => {
    const [[aclId, acl]] = ofType(resources, 'AWS::WAFv2::WebACL') as [[string, Resources[string]]];
    expect(acl.Properties).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
          },
        },
      ],
    });
    const [[, association]] = ofType(resources, 'AWS::WAFv2::WebACLAssociation') as [
      [string, Resources[string]],
    ];
    expect(association.Properties!.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const restApiId = synth.logicalId(synth.stack.ingestApi.webhookFirewall!.api);
    expect(JSON.stringify(association.Properties!.ResourceArn)).toContain(restApiId);
    // The REST API's one method is the webhook route, integrated with the webhook Lambda.
    const methods = ofType(resources, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties!);
    expect(methods.map((m) => m.HttpMethod)).toEqual(['POST']);
    const webhookArn = JSON.stringify({
      'Fn::GetAtt': [synth.logicalId(synth.stack.lambdas.functions.get('webhook')!), 'Arn'],
    });
    expect(JSON.stringify(methods[0]!.Integration)).toContain(webhookArn);
  });

  it('leaves no way around it: the HTTP API has no webhook route, and Shopify is sent to the REST URL', () => {
    const routeKeys = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey);
    expect(routeKeys).not.toContain('POST /webhooks/shopify');
    expect(routeKeys).toHaveLength(apiRoutes.length - 1);
    const restApiId = synth.logicalId(synth.stack.ingestApi.webhookFirewall!.api);
    for (const [, fn] of ofType(resources, 'AWS::Lambda::Function')) {
      const callback = (fn.Properties!.Environment as { Variables: Record<string, unknown> } | undefined)
        ?.Variables?.['WEBHOOK_CALLBACK_URL'];
      if (callback === undefined) continue;
      expect(JSON.stringify(callback)).toContain(restApiId);
      expect(JSON.stringify(callback)).toContain('/webhooks/shopify');
    }
  });

  it('the webhook alarms watch the REST route, and cdk-nag stays clean', () => {
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    // The WebhookServerErrors alarm reads the REST method's 5XXError, not an HTTP route's 5xx.
    expect(JSON.stringify(alarms)).toContain('"MetricName":"5XXError"');
    expect(JSON.stringify(alarms)).toContain('"Name":"Resource","Value":"/webhooks/shopify"');
    expect(unacknowledgedNagFindings(synth.app)).toEqual([]);
  });
});
