import { describe, expect, it } from 'vitest';
import {
  createDeliveryCounter,
  hourlySeries,
  hourOf,
} from '../../../lambdas/core/webhooks/delivery-counts.js';

describe('webhook delivery hours', () => {
  it('a time falls in the UTC hour that contains it', () => {
    expect(hourOf(Date.parse('2026-12-07T12:59:59.999Z'))).toBe('2026-12-07T12:00:00.000Z');
    expect(hourOf(Date.parse('2026-12-07T13:00:00.000Z'))).toBe('2026-12-07T13:00:00.000Z');
  });

  it('a series covers every hour up to now, oldest first, silent hours as zero', () => {
    const series = hourlySeries(
      [
        { hour: '2026-12-07T10:00:00.000Z', deliveries: 4 },
        { hour: '2026-12-07T12:00:00.000Z', deliveries: 1 },
        // Older than the window: left out.
        { hour: '2026-12-07T08:00:00.000Z', deliveries: 9 },
      ],
      { now: Date.parse('2026-12-07T12:30:00Z'), hours: 4 },
    );
    expect(series).toEqual([
      { hour: '2026-12-07T09:00:00.000Z', deliveries: 0 },
      { hour: '2026-12-07T10:00:00.000Z', deliveries: 4 },
      { hour: '2026-12-07T11:00:00.000Z', deliveries: 0 },
      { hour: '2026-12-07T12:00:00.000Z', deliveries: 1 },
    ]);
  });
});

describe("the container's delivery counter", () => {
  const T = Date.parse('2026-12-07T12:00:00Z');
  const recorder = () => {
    const writes: [string, string, number][] = [];
    let failNext = false;
    return {
      writes,
      failOnce: () => (failNext = true),
      total: (integrationId: string) =>
        writes.filter(([id]) => id === integrationId).reduce((sum, [, , n]) => sum + n, 0),
      port: {
        addDeliveries: async (integrationId: string, hour: string, deliveries: number) => {
          if (failNext) {
            failNext = false;
            throw new Error('DynamoDB unavailable');
          }
          writes.push([integrationId, hour, deliveries]);
        },
      },
    };
  };

  it("writes a quiet store's delivery at once", async () => {
    const r = recorder();
    const counter = createDeliveryCounter(r.port);
    await counter.count('int-a', T);
    await counter.count('int-a', T + 5_000);
    expect(r.writes).toEqual([
      ['int-a', '2026-12-07T12:00:00.000Z', 1],
      ['int-a', '2026-12-07T12:00:00.000Z', 1],
    ]);
  });

  it('writes a burst once per window, losing nothing once the window has passed', async () => {
    const r = recorder();
    const counter = createDeliveryCounter(r.port, { flushEveryMs: 1_000 });
    for (let i = 0; i < 50; i += 1) await counter.count('int-a', T + i * 10);
    expect(r.writes).toHaveLength(1);
    await counter.count('int-a', T + 1_500);
    expect(r.writes).toHaveLength(2);
    expect(r.total('int-a')).toBe(51);
  });

  it("keeps each hour apart, and writes another store's tail on the next delivery of any store", async () => {
    const r = recorder();
    const counter = createDeliveryCounter(r.port, { flushEveryMs: 1_000 });
    await counter.count('int-a', Date.parse('2026-12-07T12:59:59.500Z'));
    await counter.count('int-a', Date.parse('2026-12-07T12:59:59.900Z'));
    await counter.count('int-a', Date.parse('2026-12-07T13:00:00.100Z'));
    await counter.count('int-b', Date.parse('2026-12-07T13:00:05.000Z'));
    // The first at once; the rest, one write per store and hour, with int-b's first delivery.
    expect(r.writes).toHaveLength(4);
    const byHour: Record<string, number> = {};
    for (const [id, hour, n] of r.writes) byHour[`${id} ${hour}`] = (byHour[`${id} ${hour}`] ?? 0) + n;
    expect(byHour).toEqual({
      'int-a 2026-12-07T12:00:00.000Z': 2,
      'int-a 2026-12-07T13:00:00.000Z': 1,
      'int-b 2026-12-07T13:00:00.000Z': 1,
    });
  });

  it('keeps the counts of a failed write for the next one', async () => {
    const r = recorder();
    const errors: unknown[] = [];
    const counter = createDeliveryCounter(r.port, { onError: (error) => errors.push(error) });
    r.failOnce();
    await counter.count('int-a', T);
    await counter.count('int-a', T + 2_000);
    expect(errors).toHaveLength(1);
    expect(r.writes).toEqual([['int-a', '2026-12-07T12:00:00.000Z', 2]]);
  });
});
