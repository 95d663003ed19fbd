import { describe, expect, it } from 'vitest';
import { hourlySeries, hourOf } from '../../../lambdas/core/webhooks/delivery-counts.js';

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
