/**
 * The keys Powertools Logger writes on every line itself. It drops a field of ours with one of these
 * names and logs a WARN instead, so the value is lost: the type below refuses them at compile time.
 * test/unit/observability/reserved-log-keys.test.ts checks this list against the installed Powertools.
 */
export const reservedLogKeys = ['level', 'message', 'sampling_rate', 'service', 'timestamp'] as const;

/** A log line's own fields: anything but a key Powertools reserves (name the thing instead: `detail`). */
export type LogFields = Record<string, unknown> & {
  readonly [key in (typeof reservedLogKeys)[number]]?: never;
};

/** The structured logger every core module takes (Powertools' Logger satisfies it). */
export interface Logger {
  debug(message: string, ...extra: LogFields[]): void;
  info(message: string, ...extra: LogFields[]): void;
  warn(message: string, ...extra: LogFields[]): void;
  error(message: string, ...extra: LogFields[]): void;
  /** Keys added to every following line until removed (Powertools Logger has both). */
  appendKeys?(keys: LogFields): void;
  removeKeys?(keys: string[]): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
