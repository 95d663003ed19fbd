/** One row of the results table: a measured figure, its baseline in the same run, and its target. */
export interface Figure {
  readonly id: string;
  readonly title: string;
  /** The headline measurement, human-readable. */
  readonly measured: string;
  /** The baseline measured in the same run, human-readable. */
  readonly baseline: string;
  readonly target: string;
  /** undefined: no target (informational). */
  readonly pass?: boolean;
  /** Raw numbers for --json. */
  readonly data: Readonly<Record<string, unknown>>;
}

export const rate = (count: number, ms: number): number => (count / ms) * 1000;
export const fixed = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toFixed(digits) : String(value);
