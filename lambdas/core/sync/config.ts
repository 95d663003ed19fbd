import { z } from 'zod';
import { defaultSyncConfig, type SyncConfig } from './run-sync.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  MIN_SYNC_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(defaultSyncConfig.minSyncIntervalMinutes),
  SYNC_OVERLAP_MINUTES: z.coerce.number().nonnegative().default(defaultSyncConfig.overlapMinutes),
  SYNC_LEASE_TTL_SECONDS: positiveInt(defaultSyncConfig.leaseTtlMs / 1000),
  SYNC_MAX_RECEIVES: positiveInt(defaultSyncConfig.maxReceives),
  SYNC_RUN_RETENTION_DAYS: positiveInt(defaultSyncConfig.runRetentionDays),
  SYNC_WRITE_CONCURRENCY: positiveInt(defaultSyncConfig.writeConcurrency),
  BULK_SYNC_THRESHOLD: z.coerce.number().int().nonnegative().default(defaultSyncConfig.bulkThreshold),
});

/** Sync settings from the Lambda environment; a bad value fails the cold start naming the variable. */
export const syncConfigFromEnv = (env: Record<string, string | undefined>): SyncConfig => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid sync configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  return {
    minSyncIntervalMinutes: e.MIN_SYNC_INTERVAL_MINUTES,
    overlapMinutes: e.SYNC_OVERLAP_MINUTES,
    leaseTtlMs: e.SYNC_LEASE_TTL_SECONDS * 1000,
    maxReceives: e.SYNC_MAX_RECEIVES,
    runRetentionDays: e.SYNC_RUN_RETENTION_DAYS,
    writeConcurrency: e.SYNC_WRITE_CONCURRENCY,
    bulkThreshold: e.BULK_SYNC_THRESHOLD,
  };
};
