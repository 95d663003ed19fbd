import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type ApiRoute, type LambdaId, apiRoutes } from '../../lambdas/handlers/catalog.js';
import type { LambdaFactory, LambdaSizing } from './lambda-function.js';
import { WebhookFirewall } from './webhook-firewall.js';

export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface IngestApiProps {
  readonly lambdas: LambdaFactory;
  /** Defaults to the catalog's routes; a parameter so the construct can be tested on its own. */
  readonly routes?: readonly ApiRoute[];
  /** The stage default: every IAM-authorised route. */
  readonly throttle: ThrottleLimits;
  /**
   * The public webhook route's own limits, so a flood of unsigned requests to it is throttled
   * apart from the IAM routes' default.
   */
  readonly webhookThrottle: ThrottleLimits;
  /** The public install callback's own limits: merchants' browsers, a handful a minute per install. */
  readonly oauthCallbackThrottle?: ThrottleLimits;
  readonly accessLogRetention: RetentionDays;
  readonly accessLogRemovalPolicy: RemovalPolicy;
  /** Serve the webhook route behind AWS WAF, with this per-source rate limit (webhook-firewall.ts). */
  readonly webhookWaf?: { readonly rateLimitPer5Min: number };
}

/**
 * The Lambdas that may sit behind a route, and their sizes. HTTP API gives an integration at
 * most 30 s; Shopify gives a webhook delivery 5 s before it counts a failure.
 */
const httpLambdas: Partial<Record<LambdaId, LambdaSizing>> = {
  webhook: { memorySize: 512, timeout: Duration.seconds(10) },
  api: { memorySize: 512, timeout: Duration.seconds(29) },
};

const STAGE_NAME = '$default';

/**
 * The public HTTP API: Shopify's webhook deliveries (authenticated by HMAC inside the handler)
 * and the IAM-authorised integrations/sync/read API, routed as `apiRoutes` in the catalog says.
 */
export class IngestApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Base URL of the API, ending without a slash. */
  readonly url: string;
  /** Where Shopify delivers webhooks (WEBHOOK_CALLBACK_URL). */
  readonly webhookCallbackUrl: string;
  /** Where Shopify redirects an install (OAUTH_CALLBACK_URL): the app's allowed redirect URL. */
  readonly oauthCallbackUrl: string;
  readonly functions: Partial<Record<LambdaId, NodejsFunction>>;
  readonly routes: readonly ApiRoute[];
  /** With `webhookWaf`: the webhook route's own REST API and web ACL, in place of its HTTP route. */
  readonly webhookFirewall?: WebhookFirewall;
  private readonly webhookRouteKey: string;

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    this.routes = props.routes ?? apiRoutes;

    const webhookRoute = this.routes.find((route) => route.lambda === 'webhook');
    if (!webhookRoute || webhookRoute.auth !== 'HMAC' || webhookRoute.method !== 'POST') {
      throw new Error('The route catalog must send Shopify webhooks (POST, HMAC) to the webhook Lambda');
    }

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'Shopify webhooks and the IAM-authorised integrations API',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      removalPolicy: props.accessLogRemovalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: STAGE_NAME,
      autoDeploy: true,
      throttle: props.throttle,
      // Per-route metrics: the webhook route's 5xx is what makes Shopify drop a subscription.
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request metadata only: ids, route, status, latency, and the SigV4 caller. No bodies.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            sourceIp: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            caller: '$context.identity.userArn',
          }),
        ),
      },
    });
    // The public webhook route gets its own limits as a route setting: a flood of unsigned
    // requests there is throttled at that route, and the IAM routes keep the stage default.
    // Honest limit: route and stage throttles are targets inside the account's per-Region limit,
    // which every API of the account shares; a flood large enough to hit that can still 429 others.
    const webhookRouteKey = `${webhookRoute.method} ${webhookRoute.path}`;
    this.webhookRouteKey = webhookRouteKey;
    // The install callback is public too: its own (small) limits, apart from both.
    const callbackRoute = this.routes.find((route) => route.auth === 'HMAC' && route.lambda !== 'webhook');
    const callbackThrottle = props.oauthCallbackThrottle ?? { rateLimit: 10, burstLimit: 20 };
    (this.stage.node.defaultChild as CfnStage).routeSettings = {
      ...(!props.webhookWaf && {
        [webhookRouteKey]: {
          ThrottlingRateLimit: props.webhookThrottle.rateLimit,
          ThrottlingBurstLimit: props.webhookThrottle.burstLimit,
          // A route setting replaces the default's, so the per-route metrics are restated here.
          DetailedMetricsEnabled: true,
        },
      }),
      ...(callbackRoute && {
        [`${callbackRoute.method} ${callbackRoute.path}`]: {
          ThrottlingRateLimit: callbackThrottle.rateLimit,
          ThrottlingBurstLimit: callbackThrottle.burstLimit,
          DetailedMetricsEnabled: true,
        },
      }),
    };
    this.url = this.api.apiEndpoint;
    this.oauthCallbackUrl = `${this.api.apiEndpoint}${callbackRoute?.path ?? '/oauth/callback'}`;

    const functions: Partial<Record<LambdaId, NodejsFunction>> = {};
    const integrations = new Map<LambdaId, HttpLambdaIntegration>();
    // One function per Lambda, however many routes (and APIs) it serves.
    const functionFor = (lambdaId: LambdaId): NodejsFunction => {
      const existing = functions[lambdaId];
      if (existing) return existing;
      const sizing = httpLambdas[lambdaId];
      if (!sizing) throw new Error(`A route targets the "${lambdaId}" Lambda, which is not an HTTP Lambda`);
      return (functions[lambdaId] = props.lambdas.create(this, lambdaId, sizing));
    };
    const integrationFor = (lambdaId: LambdaId): HttpLambdaIntegration => {
      const existing = integrations.get(lambdaId);
      if (existing) return existing;
      const integration = new HttpLambdaIntegration(`${lambdaId}Integration`, functionFor(lambdaId));
      integrations.set(lambdaId, integration);
      return integration;
    };
    const iamAuthorizer = new HttpIamAuthorizer();

    if (props.webhookWaf) {
      this.webhookFirewall = new WebhookFirewall(this, 'WebhookFirewall', {
        handler: functionFor(webhookRoute.lambda),
        path: webhookRoute.path,
        throttle: props.webhookThrottle,
        rateLimitPer5Min: props.webhookWaf.rateLimitPer5Min,
        accessLogRetention: props.accessLogRetention,
        accessLogRemovalPolicy: props.accessLogRemovalPolicy,
      });
    }
    this.webhookCallbackUrl =
      this.webhookFirewall?.callbackUrl ?? `${this.api.apiEndpoint}${webhookRoute.path}`;

    for (const route of this.routes) {
      // Behind the firewall the webhook route is on the REST API only: no way around the web ACL.
      if (this.webhookFirewall && route === webhookRoute) continue;
      const integration = integrationFor(route.lambda);
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.auth === 'IAM' ? iamAuthorizer : undefined,
      }) as [HttpRoute];
      if (route.auth === 'HMAC') {
        // The stage's route settings name this route, so CloudFormation must create it first.
        this.stage.node.addDependency(created);
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.lambda === 'webhook'
              ? "Shopify cannot sign requests for API Gateway authorizers; the handler verifies every delivery's HMAC-SHA256 (X-Shopify-Hmac-Sha256) with the app secret before reading it."
              : "The merchant's browser, redirected by Shopify after an install, carries no AWS signature; the handler verifies the query's hmac (HMAC-SHA256 under the app secret), the timestamp and the single-use state before anything is written.",
        });
      }
    }
    this.functions = functions;
  }

  /** 5xx answers on one route, e.g. Shopify's webhook deliveries. */
  metricRouteServerErrors(route: ApiRoute): Metric {
    return this.metricRoute(route, '5xx');
  }

  /** One route's 4xx, 5xx (sums) or latency (the statistic given), from the stage's detailed metrics. */
  metricRoute(route: ApiRoute, metricName: '4xx' | '5xx' | 'Latency', statistic: string = 'Sum'): Metric {
    const label = `${route.method} ${route.path}${metricName === 'Latency' ? ` ${statistic}` : ''}`;
    if (this.webhookFirewall && `${route.method} ${route.path}` === this.webhookRouteKey)
      return this.webhookFirewall.metric(metricName, statistic, label);
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: this.api.apiId, Stage: STAGE_NAME, Route: `${route.method} ${route.path}` },
      statistic,
      period: Duration.minutes(5),
      label,
    });
  }

  /** 5xx answers of the whole stage: every route, the IAM-authorised ones included. */
  metricServerErrors(): Metric {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: this.api.apiId, Stage: STAGE_NAME },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}
