/**
 * Daily (EventBridge schedule): first finishes any purge (shop/redact, DELETE ?purge=true) that
 * did not fit in its request, because Shopify's 30-day redact deadline is a legal one; re-seals
 * webhook secrets stored before they were bound to their purpose (webhook-secret-seal.ts); then
 * repairs active stores' webhook subscriptions, least recently checked first, until the
 * invocation's deadline (the rest go first tomorrow).
 * Metrics: StoresChecked, StoresNotReached, StoresRepaired, StoresUnhealthy, PurgesCompleted,
 * TokensMigrated, WebhookSecretsResealed.
 * Logs name the repaired stores by id and domain, and the actions taken.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { lambdaHandler, metrics as defaultMetrics } from '../adapters/observability.js';
import { healthCheckDeps, composition } from './composition-root.js';
import { type PurgeDeps, resumePendingPurges } from '../core/integrations/manage.js';
import type { IntegrationRepository } from '../core/integrations/ports.js';
import { type HealthCheckDeps, runWebhookHealthCheck } from '../core/integrations/webhook-health-check.js';
import { migrateStaticTokens } from '../core/credentials/migration.js';
import { resealWebhookSecrets } from '../core/credentials/webhook-secret-seal.js';
import type { TokenProvider } from '../core/credentials/token-provider.js';

export type HealthCheckHandlerDeps = HealthCheckDeps &
  PurgeDeps & {
    readonly integrations: IntegrationRepository;
    readonly metrics?: typeof defaultMetrics;
    /** Exchanges stored static tokens for expiring ones (public deployments); absent: none. */
    readonly tokens?: Pick<TokenProvider, 'migrate'>;
  };

/** Time kept back from the Lambda timeout so the summary is always logged and metrics flushed. */
const SAFETY_MARGIN_MS = 30_000;
/** No store check starts with less than this left: a check is a few Admin API calls, with retries. */
const CHECK_BUDGET_MS = 20_000;

export const createHealthCheckHandler = (deps: HealthCheckHandlerDeps) => {
  const metrics = deps.metrics ?? defaultMetrics;
  return async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const deadline =
      Date.now() + (context ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS : 10 * 60_000);
    const purges = await resumePendingPurges(deps, { deadline });
    // Before the token migration: until re-sealed, the webhook Lambda cannot verify that store.
    const seals = await resealWebhookSecrets(deps.records.listWithWebhookSecret(), deps, {
      shouldStop: () => Date.now() >= deadline - CHECK_BUDGET_MS,
    });
    // Before 2027-01-01 every static token of a public app must become an expiring one.
    const migration = deps.tokens
      ? await migrateStaticTokens(deps.records.listActive(), deps.tokens, deps.logger, {
          shouldStop: () => Date.now() >= deadline - CHECK_BUDGET_MS,
        })
      : { migrated: 0, refused: 0, failed: 0 };
    const summary = await runWebhookHealthCheck(deps, {
      shouldStop: () => Date.now() >= deadline - CHECK_BUDGET_MS,
    });
    for (const repaired of summary.repaired) deps.logger.info('Store webhooks repaired', { ...repaired });
    metrics.addMetric('StoresChecked', MetricUnit.Count, summary.checked);
    metrics.addMetric('StoresNotReached', MetricUnit.Count, summary.notReached);
    metrics.addMetric('StoresRepaired', MetricUnit.Count, summary.repaired.length);
    metrics.addMetric('StoresUnhealthy', MetricUnit.Count, summary.failed.length);
    metrics.addMetric('PurgesCompleted', MetricUnit.Count, purges.completed);
    metrics.addMetric('TokensMigrated', MetricUnit.Count, migration.migrated);
    metrics.addMetric('WebhookSecretsResealed', MetricUnit.Count, seals.resealed);
    metrics.publishStoredMetrics();
    return { ...summary, purges, migration, seals };
  };
};

let lazy: ReturnType<typeof createHealthCheckHandler> | undefined;

export const handler = lambdaHandler(async (event: unknown, context: Context) =>
  (lazy ??= createHealthCheckHandler(healthCheckDeps(composition())))(event, context),
);
