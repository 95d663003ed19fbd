import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WebhookFirewallProps {
  /** The webhook Lambda: it reads only headers, body and isBase64Encoded, alike in both payload formats. */
  readonly handler: IFunction;
  /** The webhook route's path, e.g. `/webhooks/shopify`. */
  readonly path: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Requests one source IP may send in any 5 minutes before WAF blocks it. */
  readonly rateLimitPer5Min: number;
  readonly accessLogRetention: RetentionDays;
  readonly accessLogRemovalPolicy: RemovalPolicy;
}

const STAGE_NAME = 'live';

/**
 * Shopify's webhook route behind AWS WAF, for `webhookWaf` deployments. WAF cannot be attached to
 * an API Gateway HTTP API, only to a REST API stage (or CloudFront, whose web ACLs must live in
 * us-east-1), so the route moves to a regional REST API of its own with a web ACL whose
 * rate-based rule blocks one flooding source IP while every other sender (Shopify's deliveries
 * come from many addresses) goes on. The HTTP API then has no webhook route at all, so there is
 * no path around the firewall.
 */
export class WebhookFirewall extends Construct {
  readonly api: RestApi;
  readonly webAcl: CfnWebACL;
  /** Where Shopify delivers webhooks: the REST stage's URL plus the route's path. */
  readonly callbackUrl: string;
  private readonly path: string;

  constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    this.path = props.path;
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      removalPolicy: props.accessLogRemovalPolicy,
    });
    this.api = new RestApi(this, 'RestApi', {
      description: "Shopify's webhook deliveries, behind AWS WAF (HMAC verified by the handler)",
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Every body as base64, so the handler verifies the HMAC over exactly the bytes Shopify sent.
      binaryMediaTypes: ['*/*'],
      // Execution logs need an account-wide API Gateway role; access logs below say what is needed.
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Request metadata only, as on the HTTP API: ids, route, status, latency. No bodies.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            sourceIp: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            wafStatus: '$context.waf.status',
          }),
        ),
        methodOptions: {
          [`${props.path}/POST`]: {
            throttlingRateLimit: props.throttle.rateLimit,
            throttlingBurstLimit: props.throttle.burstLimit,
            metricsEnabled: true,
          },
        },
      },
    });
    const resource = props.path
      .split('/')
      .filter(Boolean)
      .reduce((parent, part) => parent.addResource(part), this.api.root);
    resource.addMethod('POST', new LambdaIntegration(props.handler));
    // Spelled out rather than urlForPath(): that names the stage, which depends on the method and
    // so on the function, whose environment holds this URL (a cycle).
    const stack = Stack.of(this);
    this.callbackUrl = `https://${this.api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${STAGE_NAME}${props.path}`;

    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Per-source rate limit in front of the Shopify webhook route',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ShopifyWebhookAcl'),
      rules: [
        {
          name: 'RatePerSourceIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimitPer5Min,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('ShopifyWebhookRatePerSourceIp'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    const acknowledge = (id: string, reason: string) => Validations.of(this.api).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-APIG4',
      "Shopify cannot sign requests for API Gateway authorizers; the handler verifies every delivery's HMAC-SHA256 (X-Shopify-Hmac-Sha256) with the app secret before reading it.",
    );
    acknowledge(
      'AwsSolutions-COG4',
      'Shopify authenticates its deliveries with an HMAC of the body, not a Cognito user pool token.',
    );
    acknowledge(
      'AwsSolutions-APIG2',
      'The body is validated by the handler after its HMAC (strict zod schema per topic); API Gateway validation would read unsigned input first.',
    );
    acknowledge(
      'AwsSolutions-APIG6',
      'Execution logs need an account-wide API Gateway CloudWatch role (a managed policy); access logs and per-method metrics are on.',
    );
  }

  /** The route's 4xx, 5xx (sums) or latency, from the REST stage's per-method metrics. */
  metric(metricName: '4xx' | '5xx' | 'Latency', statistic: string, label: string): Metric {
    return new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: { '4xx': '4XXError', '5xx': '5XXError', Latency: 'Latency' }[metricName],
      dimensionsMap: {
        ApiName: this.api.restApiName,
        Stage: STAGE_NAME,
        Resource: this.path,
        Method: 'POST',
      },
      statistic,
      period: Duration.minutes(5),
      label,
    });
  }
}
