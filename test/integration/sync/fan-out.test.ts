import { describe, expect, it } from 'vitest';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createDueIntegrations } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { createFanOutHandler } from '../../../lambdas/handlers/fan-out.js';
import { useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, metricsOff } from './harness.js';

const tables = useTestTables();

const NOW = Date.parse('2026-11-02T10:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

async function putAll(items: readonly Integration[], concurrency = 48) {
  const store = createIntegrationStore(tables.doc, tables.names.Integrations);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await store.put(items[next++]!);
    }),
  );
}

describe('fan-out over the due index', () => {
  it('enqueues every due integration of 10,000 exactly once and skips the recently synced and inactive', async () => {
    const integrations: Integration[] = Array.from({ length: 10_000 }, (_, i) => {
      const kind = i % 20;
      // 0–3 never synced, 4–13 synced long ago, 14–18 synced recently, 19 not active.
      const lastSuccessfulSyncAt =
        kind < 4 ? undefined : kind < 14 ? minutesAgo(31 + (i % 600)) : minutesAgo(i % 29);
      return {
        integrationId: `int-${String(i).padStart(5, '0')}`,
        organizationId: `org-${i % 37}`,
        shopDomain: `shop-${i}.myshopify.com`,
        status: kind === 19 ? (i % 40 === 19 ? 'INACTIVE' : 'NEEDS_ATTENTION') : 'ACTIVE',
        encryptedAccessToken: 'enc:x',
        createdAt: minutesAgo(10_000),
        updatedAt: minutesAgo(10_000),
        ...(lastSuccessfulSyncAt ? { lastSuccessfulSyncAt } : {}),
      };
    });
    await putAll(integrations);
    const expected = integrations
      .filter(
        (i) => i.status === 'ACTIVE' && (!i.lastSuccessfulSyncAt || i.lastSuccessfulSyncAt < minutesAgo(30)),
      )
      .map((i) => i.integrationId)
      .sort();

    const queue = new CapturingQueue();
    const fanOut = createFanOutHandler({
      due: createDueIntegrations(tables.doc, tables.names.Integrations),
      queue,
      minSyncIntervalMinutes: 30,
      now: () => NOW,
      logger: silentLogger,
      metrics: metricsOff,
    });
    const summary = await fanOut();

    const sent = queue.sent.map((m) => m.integrationId).sort();
    expect(sent).toEqual(expected); // each due one, once, and nothing else
    expect(new Set(sent).size).toBe(sent.length);
    // Each message names its own run, so a copy redriven from the DLQ resumes that run.
    expect(queue.sent.every((m) => m.trigger === 'schedule' && m.runId !== undefined)).toBe(true);
    expect(new Set(queue.sent.map((m) => m.runId)).size).toBe(queue.sent.length);
    expect(summary).toMatchObject({ due: expected.length, enqueued: expected.length, failed: 0, invalid: 0 });
    expect(expected.length).toBe(7000);
  }, 120_000);
});
