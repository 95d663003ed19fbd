/**
 * EventBridge schedule → one SQS message per due integration. Invoked by EventBridge directly:
 * no route reaches it from the internet.
 */
import {
  addCounts,
  addCountsByResource,
  logger as defaultLogger,
  errorFields,
  lambdaHandler,
  metrics as defaultMetrics,
} from '../adapters/observability.js';
import { type CensusFields, type StoreCensus, takeStoreCensus } from '../core/integrations/store-census.js';
import { fanOutDeps, composition } from './composition-root.js';
import { type DueIntegrations, fanOut, type FanOutSummary } from '../core/sync/fan-out.js';
import type { Logger } from '../core/logger.js';
import type { SyncQueue } from '../core/sync/ports.js';

export interface FanOutDeps {
  readonly due: DueIntegrations;
  readonly queue: SyncQueue;
  readonly minSyncIntervalMinutes: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly metrics?: typeof defaultMetrics;
  /**
   * Every integration's state, counted into store gauges each round (the fan-out already runs
   * on the sync schedule, so "stale" and "needs attention" are never older than one interval).
   */
  readonly census?: {
    readonly integrations: AsyncIterable<readonly CensusFields[]>;
    readonly staleAfterMs: number;
    readonly webhooksSilentAfterMs: number;
    readonly countNonExpiring?: boolean;
  };
}

export const createFanOutHandler = (deps: FanOutDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const metrics = deps.metrics ?? defaultMetrics;
  return async (): Promise<FanOutSummary> => {
    const summary = await fanOut({
      due: deps.due,
      queue: deps.queue,
      now: (deps.now ?? Date.now)(),
      minSyncIntervalMinutes: deps.minSyncIntervalMinutes,
      logger,
    });
    addCounts(metrics, { SyncsEnqueued: summary.enqueued, SyncsNotEnqueued: summary.failed });
    const census = await countStores();
    if (census) {
      addCounts(metrics, {
        StoresActive: census.active,
        StoresNeedingAttention: census.needingAttention,
        StoresStale: census.stale,
        StoresWebhooksSilent: census.webhooksSilent,
        StoresMissingScope: census.missingScope,
        NonExpiringTokens: census.nonExpiringTokens,
      });
      addCountsByResource(metrics, 'StoresMissingScope', census.missingScopeByResource);
    }
    metrics.publishStoredMetrics();
    logger.info('Fan-out finished', { ...summary, ...(census && { census }) });
    return summary;
  };

  /** A failed census leaves the gauges without a data point (their alarms say so); syncs still go out. */
  async function countStores(): Promise<StoreCensus | undefined> {
    if (!deps.census) return undefined;
    try {
      return await takeStoreCensus(deps.census.integrations, {
        ...deps.census,
        now: (deps.now ?? Date.now)(),
      });
    } catch (error) {
      logger.error('Store census failed', errorFields(error));
      return undefined;
    }
  }
};

let lazy: ReturnType<typeof createFanOutHandler> | undefined;

export const handler = lambdaHandler(async (): Promise<FanOutSummary> =>
  (lazy ??= createFanOutHandler(fanOutDeps(composition())))(),
);
