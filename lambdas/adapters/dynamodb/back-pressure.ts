/**
 * Back-pressure from DynamoDB: a throttled write slows the writers down instead of failing the
 * run. DynamoDB throttles a partition past its share of throughput (about 1,000 write units a
 * second per partition), a table past its provisioned or on-demand ceiling, and a base table's
 * writes while one of its GSIs cannot keep up (docs/scaling.md). The SDK retries a throttled
 * request a few times within ~a second; a sync writing 16 records at once into a hot partition
 * outlasts that, and before this the page's writes failed, the attempt failed, and SQS retried the
 * whole attempt minutes later, from the last checkpoint, into the same hot partition.
 *
 * So every write goes through one limiter per client (AIMD, as TCP does): a throttle halves how
 * many writes may be in flight and the write waits (exponential backoff, full jitter) and goes
 * again; each write that lands adds back a little. It gives up only after `budgetMs`: long for the
 * sync worker (its checkpoint and SQS carry it further), short for the webhook, which must answer
 * Shopify within 5 s, and answers 5xx (Shopify retries) only after its own retries failed.
 */

/** DynamoDB's throttling errors, as the SDK names them (also inside a cancelled transaction). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

export const isThrottling = (error: unknown): boolean => {
  const failure = error as { name?: unknown; CancellationReasons?: readonly { Code?: string }[] } | null;
  if (typeof failure?.name !== 'string') return false;
  if (THROTTLING.has(failure.name)) return true;
  // A transaction cancelled because one of its items was throttled (and none failed a condition).
  return (
    failure.name === 'TransactionCanceledException' &&
    (failure.CancellationReasons ?? []).some((reason) => THROTTLING.has(reason.Code ?? '')) &&
    !(failure.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed')
  );
};

/** Throttled for longer than the limiter's budget: the caller's own retry (SQS, Shopify) takes over. */
export class WriteThrottledError extends Error {
  override readonly name = 'WriteThrottledError';
}

export interface BackPressureOptions {
  /** Writes in flight at most (the sync's write concurrency). */
  readonly maxConcurrency: number;
  /** How long one write may keep being throttled before it fails. */
  readonly budgetMs: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface BackPressureStats {
  /** Throttling errors met (each one waited and went again, or failed the write). */
  readonly throttled: number;
  /** Time writes spent waiting after a throttle, summed over writes. */
  readonly waitedMs: number;
  /** The in-flight limit now: `maxConcurrency` when nothing was throttled lately. */
  readonly limit: number;
}

export interface BackPressure {
  /** Runs one write under the limit, again after each throttle, until `budgetMs` is spent. */
  run<T>(write: () => Promise<T>): Promise<T>;
  stats(): BackPressureStats;
}

export const createBackPressure = (options: BackPressureOptions): BackPressure => {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const max = Math.max(1, options.maxConcurrency);
  let limit = max;
  let inFlight = 0;
  let throttled = 0;
  let waitedMs = 0;
  const waiting: (() => void)[] = [];

  const acquire = async () => {
    while (inFlight >= Math.floor(limit)) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
  };
  const release = () => {
    inFlight -= 1;
    // Wakes as many as the limit now has room for (it may have grown); each checks again.
    for (let room = Math.floor(limit) - inFlight; room > 0 && waiting.length > 0; room -= 1)
      waiting.shift()!();
  };

  return {
    async run<T>(write: () => Promise<T>): Promise<T> {
      const started = now();
      for (let attempt = 0; ; attempt += 1) {
        await acquire();
        let result: T;
        try {
          result = await write();
        } catch (error) {
          // The slot is given up while waiting: the others go on at the lower limit.
          release();
          if (!isThrottling(error)) throw error;
          throttled += 1;
          limit = Math.max(1, limit / 2);
          const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * random();
          const spent = now() - started;
          if (spent + delay > options.budgetMs)
            throw new WriteThrottledError(
              `DynamoDB kept throttling a write for ${spent} ms (${attempt + 1} attempts)`,
              { cause: error },
            );
          waitedMs += delay;
          await sleep(delay);
          continue;
        }
        release();
        limit = Math.min(max, limit + 1 / limit);
        return result;
      }
    },
    stats: () => ({ throttled, waitedMs, limit }),
  };
};
