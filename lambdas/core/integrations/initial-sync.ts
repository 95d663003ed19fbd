import { requestManualSync } from '../sync/request-sync.js';
import type { IntegrationReader, SyncQueue, SyncRunRepository, SyncStateRepository } from '../sync/ports.js';
import type { SyncStarter } from './ports.js';

export interface SyncStarterDeps {
  readonly integrations: IntegrationReader;
  readonly runs: SyncRunRepository;
  readonly state: SyncStateRepository;
  readonly queue: SyncQueue;
  readonly now: () => number;
  readonly runRetentionDays: number;
}

/**
 * The first sync after a connect (or reconnect) goes through the same path as a manual sync,
 * forced past the minimum interval: new credentials deserve a fresh pass.
 */
export const createSyncStarter = (deps: SyncStarterDeps): SyncStarter => ({
  async startInitialSync(integration) {
    const answer = await requestManualSync(
      {
        integrationId: integration.integrationId,
        force: true,
        trigger: integration.lastSuccessfulSyncAt ? 'manual' : 'initial',
      },
      { ...deps, config: { minSyncIntervalMinutes: 0, runRetentionDays: deps.runRetentionDays } },
    );
    if (answer.status !== 'queued') throw new Error('A forced sync request was not queued');
    return { runId: answer.runId };
  },
});
