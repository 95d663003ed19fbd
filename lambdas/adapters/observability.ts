/**
 * Powertools Logger, Metrics and Tracer, created once per container and used by every handler
 * (and by nothing in core/, which sees only the Logger port). Logs carry ids and outcomes only:
 * never payloads (personal data) or secrets.
 *
 * Metric dimensions never name a store: CloudWatch bills every dimension combination as its own
 * metric, so per-shop dimensions would grow the bill with the customer list. Per-store detail
 * lives in the logs (appended keys), the integration record and the backend events.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger as LoggerPort } from '../core/logger.js';
import type { ShopifyGraphql } from '../shopify/graphql.js';
import { meterAwsClient } from './usage-meter.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'shopify-sync';

const powertoolsLogger = new Logger({ serviceName });

/** Powertools' Logger seen through the port, so a reserved key (`message`, `level`...) fails to compile. */
export const logger: LoggerPort = powertoolsLogger;

export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ShopifySync',
});

/**
 * Off unless the stack deploys with `-c tracing=true` (POWERTOOLS_TRACE_ENABLED=true) and runs in
 * Lambda. Only then is the Tracer loaded at all: the X-Ray SDK under it costs ~40 ms of every
 * cold start to evaluate and, once loaded, installs an async hook (cls-hooked) that taxes every
 * promise of every invocation, traced or not.
 */
const tracing =
  process.env.POWERTOOLS_TRACE_ENABLED === 'true'
    ? await import('./tracing.js').then((m) => m.tracing(serviceName))
    : undefined;

/** The Tracer when tracing is on (for annotations); undefined otherwise. */
export const tracer = tracing?.tracer;

export { MetricUnit };

/** Counts, a data point each, in the invocation's stored metrics. */
export const addCounts = (target: Metrics, counts: Readonly<Record<string, number>>): void => {
  for (const [name, value] of Object.entries(counts)) target.addMetric(name, MetricUnit.Count, value);
};

/**
 * A count per resource: a bounded dimension (the registered resources), never a store. Each is a
 * single metric, published (and its dimension dropped from the rest) at its addMetric.
 */
export const addCountsByResource = (
  target: Metrics,
  name: string,
  byResource: Readonly<Record<string, number>>,
): void => {
  for (const [resource, value] of Object.entries(byResource)) {
    const perResource = target.singleMetric();
    perResource.addDimension('resource', resource);
    perResource.addMetric(name, MetricUnit.Count, value);
  }
};

/**
 * Flushes what an invocation stored, even when the handler throws. Unlike Powertools' `logMetrics`
 * it publishes only when something is stored: an API read stores nothing, and handlers that flush
 * themselves (the webhook flushes in its `finally`) leave nothing, so `logMetrics` would log a
 * "No application metrics to publish" warning on nearly every invocation — noise in the logs that
 * operators search, and a log write on the webhook's hot path.
 */
const flushStoredMetrics = (): middy.MiddlewareObj<unknown, unknown, Error, Context> => {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: (request) => metrics.captureColdStartMetric(request.context.functionName),
    after: flush,
    onError: flush,
  };
};

/**
 * Every handler's entry point: the request id, function name and cold-start flag on every log line
 * (and the keys a unit of work appended taken off after the invocation), a `ColdStart` metric,
 * stored metrics flushed even when the handler throws, and the invocation traced.
 */
export const lambdaHandler = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) =>
  (tracing ? middy(handler).use(tracing.middleware()) : middy(handler))
    .use(injectLambdaContext(powertoolsLogger, { resetKeys: true }))
    .use(flushStoredMetrics());

/**
 * An AWS SDK v3 client whose calls appear as X-Ray subsegments (a no-op while tracing is off) and
 * are counted by the usage meter (a no-op unless the local runtime or the bench turned it on).
 */
export const traced = <T>(client: T): T => {
  const serviceId = (client as { config?: { serviceId?: string } }).config?.serviceId ?? 'aws';
  const metered = meterAwsClient(client, serviceId.toLowerCase().replaceAll(' ', ''));
  return tracer ? tracer.captureAWSv3Client(metered) : metered;
};

/**
 * A Shopify GraphQL port whose every call (throttle waits and retries included) is one X-Ray
 * subsegment, annotated with the points Shopify charged, so a slow sync shows where time went.
 */
export const tracedGraphql = (graphql: ShopifyGraphql, operation: string): ShopifyGraphql => {
  if (!tracer?.isTracingEnabled()) return graphql;
  return {
    ...(graphql.availableNow && { availableNow: () => graphql.availableNow!() }),
    async query(document, variables, dataSchema, options) {
      const parent = tracer.getSegment();
      const subsegment = parent?.addNewSubsegment(`Shopify ${operation}`);
      if (subsegment) tracer.setSegment(subsegment);
      try {
        const result = await graphql.query(document, variables, dataSchema, options);
        subsegment?.addAnnotation('shopifyCostUsed', result.stats.costUsed);
        subsegment?.addAnnotation('throttleWaitMs', result.stats.throttleWaitMs);
        return result;
      } catch (error) {
        if (error instanceof Error) subsegment?.addError(error);
        throw error;
      } finally {
        subsegment?.close();
        if (parent) tracer.setSegment(parent);
      }
    },
  };
};

/** The fields an error is logged with: its name, message and stack, never what it was about. */
export const errorFields = (error: unknown): { error: Error | { name: string; message: string } } =>
  error instanceof Error
    ? { error }
    : { error: { name: 'NonError', message: 'A non-Error value was thrown' } };
