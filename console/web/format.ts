/**
 * How the console says times and amounts: relative for reading at a glance ("4 min ago"), with
 * the absolute time and its timezone one hover (or one screen-reader phrase) away. No DOM here,
 * so the unit tests run these in Node.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "40 s ago", "4 min ago", "3 h ago", "yesterday", "5 days ago"; "in 3 min" ahead. */
export const relativeTime = (iso: string, now: number): string => {
  const delta = Date.parse(iso) - now;
  const span = Math.abs(delta);
  if (span < 10_000) return 'just now';
  let words: string;
  if (span < MINUTE) words = `${Math.floor(span / 1000)} s`;
  else if (span < HOUR) words = `${Math.floor(span / MINUTE)} min`;
  else if (span < DAY) words = `${Math.floor(span / HOUR)} h`;
  else if (span < 2 * DAY) return delta < 0 ? 'yesterday' : 'tomorrow';
  else words = `${Math.floor(span / DAY)} days`;
  return delta < 0 ? `${words} ago` : `in ${words}`;
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
  if (ms < 1000) return 'under 1 s';
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
