import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectIntegration } from '../../../lambdas/core/integrations/connect.js';
import { purgeIntegrationData } from '../../../lambdas/core/integrations/manage.js';
import { runWebhookHealthCheck } from '../../../lambdas/core/integrations/webhook-health-check.js';
import { createHealthCheckHandler } from '../../../lambdas/handlers/health-check.js';
import { useTestTables } from '../../support/dynamo.js';
import { captureOutput, startWorld, type World } from './world.js';

const tables = useTestTables();
let world: World;
const output = captureOutput();
let seed = 900;

const connectShop = async (name: string) => {
  const shopDomain = `${name}.myshopify.com`;
  const accessToken = `shpat_${name}_token`;
  world.simulator.createShop({ shopDomain, accessToken, seed: ++seed });
  const { integration } = await connectIntegration(
    { organizationId: `org-${name}`, shopDomain, accessToken },
    world.lifecycle,
  );
  return integration;
};

beforeAll(async () => {
  world = await startWorld(tables);
});
afterAll(async () => {
  await world.stop();
  output.restore();
});

const DAY = 24 * 60 * 60_000;

describe('the daily jobs at scale', () => {
  it('checks every store within ceil(stores / checks per run) days when one run cannot check them all', async () => {
    const stores = [];
    for (let n = 0; n < 10; n++) stores.push(await connectShop(`daily-${n}`));
    const ids = stores.map((s) => s.integrationId).sort();
    const start = Date.now() + DAY;
    const checkedOn: Record<string, number[]> = {};

    for (let day = 0; day < 3; day++) {
      const at = new Date(start + day * DAY);
      let budget = 4; // one invocation has time for four stores
      const summary = await runWebhookHealthCheck(
        { ...world.lifecycle, now: () => at },
        { shouldStop: () => budget-- <= 0 },
      );
      expect(summary).toMatchObject({ checked: 4, notReached: 6, failed: [] });
      for (const id of ids) {
        const health = (await world.lifecycle.integrations.get(id))!.webhookHealth;
        if (health?.checkedAt === at.toISOString()) (checkedOn[id] ??= []).push(day);
      }
    }

    // Days 0 and 1 reach eight different stores; day 2 the last two, then the two checked longest ago.
    expect(Object.keys(checkedOn).sort()).toEqual(ids);
    const byDay = (day: number) => ids.filter((id) => checkedOn[id]!.includes(day));
    expect(byDay(0)).toHaveLength(4);
    expect(byDay(1)).toHaveLength(4);
    expect(byDay(1).some((id) => byDay(0).includes(id))).toBe(false);
    expect(byDay(2).filter((id) => !byDay(0).includes(id) && !byDay(1).includes(id))).toHaveLength(2);
    expect(byDay(2).filter((id) => byDay(0).includes(id))).toHaveLength(2);
  }, 60_000);

  it('finishes pending purges first, even when no time is left for any health check', async () => {
    const purged = await connectShop('daily-purge');
    const shop = world.simulator.shop('daily-purge.myshopify.com');
    shop.setDelivery({ capture: true });
    for (let n = 0; n < 30; n++)
      shop.resources.customers.create({ firstName: `p${n}`, email: `p${n}@example.com` });
    await world.deliverCaptured('daily-purge.myshopify.com');
    expect((await world.lifecycle.customers.countByStatus(purged.integrationId)).ACTIVE).toBe(30);
    const integration = (await world.lifecycle.integrations.get(purged.integrationId))!;
    const first = await purgeIntegrationData(integration, world.lifecycle, {
      at: new Date().toISOString(),
      deadline: 0,
    });
    expect(first.complete).toBe(false);
    const handler = createHealthCheckHandler({
      ...world.lifecycle,
      metrics: new Metrics({ serviceName: 'daily-jobs-test', namespace: 'DailyJobsTest' }),
    });

    // 45 s left: 30 s are kept back, and a store check needs 20 s, so no check can start.
    const result = await handler({}, { getRemainingTimeInMillis: () => 45_000 });

    expect(result.purges).toEqual({ resumed: 1, completed: 1 });
    expect(await world.lifecycle.records.pendingPurges()).toEqual([]);
    expect(result.checked).toBe(0);
    expect(result.notReached).toBeGreaterThan(0);
  });
});
