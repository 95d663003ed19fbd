/**
 * What `npm start` prints, in two kinds: lines that stay (the banner, one compact line per event)
 * and a status block (the initial sync, one line per resource) that a terminal redraws in place
 * under them. Anything else that reaches the stream (a stray warning) pushes the block down a line:
 * cosmetic, nothing is lost.
 */
import type { LogEvent } from './cloudwatch.js';

export interface TerminalOutput {
  /** Whether the block is redrawn in place (a TTY); otherwise `status` prints nothing. */
  readonly live: boolean;
  line(text: string): void;
  status(lines: readonly string[]): void;
  /** Drops the block; what it showed last should be said again with `line` if it matters. */
  clearStatus(): void;
}

// ECMA-48: move to the start of the line n lines up; erase from the cursor to the end of the screen.
const up = (n: number) => `\u001b[${n}F`;
const eraseDown = '\u001b[J';

export function terminalOutput(stream: NodeJS.WriteStream = process.stdout): TerminalOutput {
  const live = stream.isTTY === true;
  let block: readonly string[] = [];
  // A wrapped line would take two rows and the next redraw would leave one behind.
  const fit = (text: string) => {
    const width = (stream.columns || 80) - 1;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  const erase = () => (block.length > 0 ? up(block.length) + eraseDown : '');
  const draw = () => block.map((text) => `${fit(text)}\n`).join('');
  return {
    live,
    line(text) {
      stream.write(live ? `${erase()}${text}\n${draw()}` : `${text}\n`);
    },
    status(lines) {
      if (!live) return;
      const before = erase();
      block = [...lines];
      stream.write(before + draw());
    },
    clearStatus() {
      if (live && block.length > 0) stream.write(erase());
      block = [];
    },
  };
}

export const compactLineLength = 160;

/** A runtime line (e.g. a backend event with its JSON detail) cut to the compact length. */
export const clip = (line: string, maxLength = compactLineLength): string =>
  line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;

/** Powertools' own keys on every line: the compact form says level and time its own way, and drops the rest. */
const standardKeys = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'cold_start',
  'function_name',
  'function_memory_size',
  'function_arn',
  'function_request_id',
  'xray_trace_id',
]);

/** Ids and the route say which, not what happened: `--verbose` shows them. */
const idLike = (key: string) => key === 'route' || /Id$/.test(key);

const valueText = (value: unknown): string => {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  if (value instanceof Object && 'name' in value && 'message' in value)
    return JSON.stringify(`${String(value.name)}: ${String(value.message)}`);
  return JSON.stringify(value);
};

/**
 * One handler log line as one short terminal line: time, level, function, message, then its own
 * fields as key=value (each capped), e.g.
 * `12:01:02 INFO  syncWorker  Sync succeeded shopDomain=demo.myshopify.com healedBySync=0 resources={…}`.
 */
export function compactLogLine(event: LogEvent, maxLength = compactLineLength): string {
  const time = typeof event.timestamp === 'string' ? event.timestamp.slice(11, 19) : '';
  const level = (event.level ?? 'INFO').padEnd(5);
  const fn = typeof event.function_name === 'string' ? `${event.function_name.replace(/^local-/, '')}  ` : '';
  const fields = Object.entries(event)
    .filter(([key, value]) => !standardKeys.has(key) && !idLike(key) && value !== undefined)
    .map(([key, value]) => {
      const text = valueText(value);
      return `${key}=${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
    });
  const line = [`${time} ${level} ${fn}${event.message ?? ''}`, ...fields].join(' ');
  return clip(line, maxLength);
}
