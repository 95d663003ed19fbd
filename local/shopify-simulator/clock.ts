/** Milliseconds since the epoch. Injected so rate-limit and timestamp tests are deterministic. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests of the leaky bucket and of timestamps. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.parse('2026-06-01T12:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
