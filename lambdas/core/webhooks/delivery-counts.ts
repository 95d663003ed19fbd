/**
 * Verified webhook deliveries per store and UTC hour: the console's "deliveries per hour" chart
 * and a glance at whether a store's webhooks still arrive. One counter per store and hour, so a
 * delivery costs one small write and a day's history is 24 reads at most.
 */
export interface DeliveryHour {
  /** Start of the UTC hour, ISO-8601 (`2026-12-07T12:00:00.000Z`). */
  readonly hour: string;
  readonly deliveries: number;
}

export interface WebhookDeliveryCounts {
  /** Adds one verified delivery to its store's hour. */
  countDelivery(integrationId: string, hour: string): Promise<void>;
  /** The hours since `from` (inclusive) that had deliveries, oldest first. */
  hoursSince(integrationId: string, from: string): Promise<readonly DeliveryHour[]>;
}

/** How long the hourly counters are kept: the chart shows a week at most. */
export const DELIVERY_HOURS_RETENTION_DAYS = 8;

const HOUR_MS = 3_600_000;

/** The UTC hour `at` falls in. */
export const hourOf = (at: number): string => new Date(at - (at % HOUR_MS)).toISOString();

/**
 * The last `hours` hours up to `now`, oldest first, with the hours that had no delivery as zero:
 * a chart must show a silence, not skip it.
 */
export const hourlySeries = (
  recorded: readonly DeliveryHour[],
  { now, hours }: { readonly now: number; readonly hours: number },
): DeliveryHour[] => {
  const counts = new Map(recorded.map((entry) => [entry.hour, entry.deliveries]));
  const last = Date.parse(hourOf(now));
  return Array.from({ length: hours }, (_, index) => {
    const hour = new Date(last - (hours - 1 - index) * HOUR_MS).toISOString();
    return { hour, deliveries: counts.get(hour) ?? 0 };
  });
};
