/**
 * How the console says times and amounts: relative for reading at a glance ("4 min ago"), with
 * the absolute time and its timezone one hover (or one screen-reader phrase) away. No DOM here,
 * so the unit tests run these in Node.
 */

const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });

/** "just now", "4 min ago", "in 3 hr", "yesterday", "3 days ago". */
export const relativeTime = (iso: string, now: number): string => {
  const delta = Date.parse(iso) - now;
  if (Math.abs(delta) < 10_000) return 'just now';
  for (const [unit, size] of units) {
    if (Math.abs(delta) >= size || unit === 'second') {
      return relativeFormat.format(Math.trunc(delta / size), unit);
    }
  }
  return 'just now';
};

/** "7 Dec 2026, 12:31:07 UTC" in the browser's own timezone, which is named. */
export const absoluteTime = (iso: string, timeZone?: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'long',
    ...(timeZone && { timeZone }),
  }).format(new Date(iso));

/** "45 s", "1 min 7 s", "2 h 5 min": a run's length. */
export const duration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
};

const grouped = new Intl.NumberFormat('en');
export const amount = (value: number): string => grouped.format(value);

/** "1 order", "3 orders": resource names are plural nouns. */
export const counted = (value: number, plural: string): string =>
  `${amount(value)} ${value === 1 && plural.endsWith('s') ? plural.slice(0, -1) : plural}`;

/** "orders" → "Orders". */
export const titled = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
