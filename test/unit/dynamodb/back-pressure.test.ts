import { describe, expect, it } from 'vitest';
import {
  createBackPressure,
  isThrottling,
  WriteThrottledError,
} from '../../../lambdas/adapters/dynamodb/back-pressure.js';

const throttle = (name = 'ProvisionedThroughputExceededException') =>
  Object.assign(new Error('throttled'), { name });

/** A clock that only moves when the limiter sleeps. */
const fakeTime = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 1 };
};

describe('DynamoDB back-pressure', () => {
  it('knows the throttling errors, also inside a cancelled transaction, and nothing else', () => {
    for (const name of [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
    ])
      expect(isThrottling(throttle(name))).toBe(true);
    const cancelled = (codes: string[]) =>
      Object.assign(new Error('cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    expect(isThrottling(cancelled(['ThrottlingError', 'None']))).toBe(true);
    expect(isThrottling(cancelled(['ConditionalCheckFailed', 'ThrottlingError']))).toBe(false);
    expect(isThrottling(cancelled(['TransactionConflict']))).toBe(false);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(
      false,
    );
    expect(isThrottling(undefined)).toBe(false);
  });

  it('a throttled write waits and goes again, and the in-flight limit halves, then grows back', async () => {
    const pressure = createBackPressure({ maxConcurrency: 16, budgetMs: 10_000, ...fakeTime() });
    let calls = 0;
    const result = await pressure.run(async () => {
      calls += 1;
      if (calls <= 3) throw throttle();
      return 'landed';
    });
    expect(result).toBe('landed');
    expect(pressure.stats()).toMatchObject({ throttled: 3, waitedMs: 50 + 100 + 200 });
    expect(pressure.stats().limit).toBeLessThan(3);
    for (let n = 0; n < 200; n += 1) await pressure.run(async () => 'ok');
    expect(pressure.stats().limit).toBe(16);
  });

  it('holds writes beyond the lowered limit until one lands', async () => {
    const pressure = createBackPressure({ maxConcurrency: 4, budgetMs: 10_000, baseDelayMs: 1 });
    let inFlight = 0;
    let most = 0;
    let throttles = 6;
    await Promise.all(
      Array.from({ length: 40 }, () =>
        pressure.run(async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight -= 1;
          if (throttles-- > 0) throw throttle();
        }),
      ),
    );
    expect(most).toBeLessThanOrEqual(4);
    expect(pressure.stats().throttled).toBe(6);
  });

  it('gives up with WriteThrottledError once its budget is spent, and passes other failures at once', async () => {
    const time = fakeTime();
    const pressure = createBackPressure({ maxConcurrency: 4, budgetMs: 2_000, ...time });
    await expect(
      pressure.run(async () => Promise.reject(throttle('ThrottlingException'))),
    ).rejects.toBeInstanceOf(WriteThrottledError);
    expect(time.now()).toBeLessThanOrEqual(2_000);
    let calls = 0;
    await expect(
      pressure.run(async () => {
        calls += 1;
        throw new Error('ValidationException');
      }),
    ).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });
});
