/** The structured logger every core module takes (Powertools' Logger satisfies it). */
export interface Logger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  /** Keys added to every following line until removed (Powertools Logger has both). */
  appendKeys?(keys: Record<string, unknown>): void;
  removeKeys?(keys: string[]): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
