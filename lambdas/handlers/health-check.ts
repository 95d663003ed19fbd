/**
 * Daily (EventBridge schedule): repairs every active store's webhook subscriptions, then
 * finishes any purge (shop/redact, DELETE ?purge=true) that did not fit in its request.
 * Metrics: StoresChecked, StoresRepaired, StoresUnhealthy, PurgesCompleted. Logs name the
 * repaired stores by id and domain, and the actions taken.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { lambdaHandler, metrics as defaultMetrics } from '../adapters/observability.js';
import { healthCheckDeps, composition } from './composition-root.js';
import { type PurgeDeps, resumePendingPurges } from '../core/integrations/manage.js';
import type { IntegrationRepository } from '../core/integrations/ports.js';
import { type HealthCheckDeps, runWebhookHealthCheck } from '../core/integrations/webhook-health-check.js';

export type HealthCheckHandlerDeps = HealthCheckDeps &
  PurgeDeps & { readonly integrations: IntegrationRepository; readonly metrics?: typeof defaultMetrics };

/** Time kept back from the Lambda timeout so the summary is always logged and metrics flushed. */
const SAFETY_MARGIN_MS = 30_000;

export const createHealthCheckHandler = (deps: HealthCheckHandlerDeps) => {
  const metrics = deps.metrics ?? defaultMetrics;
  return async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const deadline =
      Date.now() + (context ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS : 10 * 60_000);
    const summary = await runWebhookHealthCheck(deps);
    for (const repaired of summary.repaired) deps.logger.info('Store webhooks repaired', { ...repaired });
    const purges = await resumePendingPurges(deps, { deadline });
    metrics.addMetric('StoresChecked', MetricUnit.Count, summary.checked);
    metrics.addMetric('StoresRepaired', MetricUnit.Count, summary.repaired.length);
    metrics.addMetric('StoresUnhealthy', MetricUnit.Count, summary.failed.length);
    metrics.addMetric('PurgesCompleted', MetricUnit.Count, purges.completed);
    metrics.publishStoredMetrics();
    return { ...summary, purges };
  };
};

let lazy: ReturnType<typeof createHealthCheckHandler> | undefined;

export const handler = lambdaHandler(async (event: unknown, context: Context) =>
  (lazy ??= createHealthCheckHandler(healthCheckDeps(composition())))(event, context),
);
