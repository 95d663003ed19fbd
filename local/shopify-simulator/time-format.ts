/** GraphQL DateTime, as Shopify writes it: UTC, whole seconds. */
export const graphqlDateTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const offsetMinutes = (ms: number, timeZone: string): number => {
  const label =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(label);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
};

/** REST / webhook timestamps, as Shopify writes them: the shop's local time with its offset, e.g. 2026-01-02T03:04:05-05:00. */
export function restDateTime(ms: number, timeZone: string): string {
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** X-Shopify-Triggered-At: UTC with nanoseconds, e.g. 2025-09-12T00:48:41.964744581Z. */
export function triggeredAt(ms: number, subMillisecondNanos: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(subMillisecondNanos % 1_000_000).padStart(6, '0')}Z`;
}
