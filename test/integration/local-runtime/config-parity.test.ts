import { describe, expect, it } from 'vitest';
import { parseConfig, staleAfterMinutes } from '../../../lib/config.js';
import { MAX_RECEIVE_COUNT } from '../../../lib/constructs/sync-pipeline.js';
import { lambdaTimeoutSeconds, localDefaults, syncQueueSettings } from '../../../local/config.js';

const rateSeconds = (expression: string): number => {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!match) throw new Error(`not a rate expression: ${expression}`);
  return Number(match[1]) * { minute: 60, hour: 3600, day: 86_400 }[match[2] as 'minute' | 'hour' | 'day'];
};

describe('local runtime settings match the deployed defaults', () => {
  it('uses the stack default queue, worker, schedule and sync-window numbers', () => {
    const deployed = parseConfig({});
    const local = syncQueueSettings();

    expect(local.maxReceiveCount).toBe(MAX_RECEIVE_COUNT);
    expect(local.workerTimeoutSeconds).toBe(deployed.workerTimeoutSeconds);
    expect(lambdaTimeoutSeconds.syncWorker).toBe(deployed.workerTimeoutSeconds);
    expect(local.visibilityTimeoutSeconds).toBe(6 * deployed.workerTimeoutSeconds);
    expect(local.maxConcurrency).toBe(deployed.workerMaxConcurrency);
    expect(local.incrementalMaxConcurrency).toBe(deployed.incrementalWorkerMaxConcurrency);
    expect(localDefaults.syncScheduleSeconds).toBe(rateSeconds(deployed.syncSchedule));
    expect(localDefaults.healthCheckScheduleSeconds).toBe(rateSeconds(deployed.healthCheckSchedule));
    expect(localDefaults.minSyncIntervalMinutes).toBe(deployed.minSyncIntervalMinutes);
    expect(localDefaults.syncOverlapMinutes).toBe(deployed.syncOverlapMinutes);
    expect(localDefaults.dataExportRetentionDays).toBe(deployed.dataExportRetentionDays);
    expect(localDefaults.shopifyApiVersion).toBe(deployed.shopifyApiVersion);
    expect(localDefaults.staleAfterMinutes).toBe(staleAfterMinutes(deployed));
    expect(localDefaults.webhooksSilentAfterMinutes).toBe(deployed.webhooksSilentAfterHours * 60);
  });
});

describe('the local sync queue follows Lambda’s rule', () => {
  it('refuses a visibility timeout shorter than the worker’s timeout, before starting anything', async () => {
    const { startLocalRuntime } = await import('../../../local/runtime.js');
    await expect(
      startLocalRuntime({
        apiPort: 0,
        awsPort: 0,
        shopifySimulatorPort: 0,
        dynamoEndpoint: 'http://127.0.0.1:9',
        demoShop: false,
        syncQueue: { visibilityTimeoutSeconds: 3, workerTimeoutSeconds: 10 },
        log: () => undefined,
      }),
    ).rejects.toThrow(/visibility timeout \(3 s\) is shorter than the sync worker's timeout \(10 s\)/);
  });
});
