/**
 * What CloudWatch makes of a Lambda's standard output, done locally: every JSON line a handler
 * writes is a log event (Lambda ships stdout to CloudWatch Logs), and every line in the Embedded
 * Metric Format becomes metric data points. Powertools writes both straight to process.stdout,
 * so the local runtime reads them there: the handlers stay unchanged.
 */
import { countUsage } from '../lambdas/adapters/usage-meter.js';

export interface MetricDatum {
  readonly namespace: string;
  readonly name: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

export interface LogEvent {
  readonly level?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export interface LocalCloudWatch {
  readonly metrics: readonly MetricDatum[];
  readonly logs: readonly LogEvent[];
  /**
   * Sum of a metric's data points, e.g. `WebhookRejected`: of every series, or of the one series
   * with exactly these dimensions (what an alarm on that series reads).
   */
  sum(name: string, dimensions?: Readonly<Record<string, string>>): number;
  /** The last data point of a gauge, e.g. `StoresStale`. */
  last(name: string): MetricDatum | undefined;
  /**
   * Forgets what was recorded so far. Like CloudWatch, this keeps every log event and data point,
   * so a long benchmark that measures the process's own memory clears it first.
   */
  clear(): void;
  stop(): void;
}

interface EmfLine {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

const sorted = (dimensions: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));

const isEmf = (value: Record<string, unknown>): value is EmfLine =>
  typeof value._aws === 'object' && value._aws !== null && 'CloudWatchMetrics' in value._aws;

/**
 * Starts reading this process's stdout and stderr. EMF lines are kept as metrics and not echoed (a metric
 * blob per invocation would drown the log); log lines are kept and echoed when `echo` is set.
 */
export function captureLambdaOutput(options: {
  readonly echo: boolean;
  /** Told of each log line, after the write that carried it (so it may print). */
  readonly onLog?: (event: LogEvent) => void;
}): LocalCloudWatch {
  const metrics: MetricDatum[] = [];
  const logs: LogEvent[] = [];
  const restore: (() => void)[] = [];

  const taken: LogEvent[] = [];
  const take = (line: string): boolean => {
    if (!line.startsWith('{')) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return false;
    }
    if (typeof parsed !== 'object' || parsed === null) return false;
    const record = parsed as Record<string, unknown>;
    // CloudWatch Logs bills ingestion by the byte, EMF lines included (it reads metrics from them).
    countUsage('logs.bytes', Buffer.byteLength(line, 'utf8') + 1);
    if (!isEmf(record)) {
      logs.push(record);
      if (options.onLog) taken.push(record);
      return !options.echo;
    }
    for (const directive of record._aws.CloudWatchMetrics) {
      const dimensionNames = directive.Dimensions.flat();
      const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, String(record[name])]));
      for (const { Name } of directive.Metrics) {
        const values = record[Name];
        for (const value of Array.isArray(values) ? values : [values]) {
          metrics.push({
            namespace: directive.Namespace,
            name: Name,
            value: Number(value),
            dimensions,
            timestamp: record._aws.Timestamp,
          });
        }
      }
    }
    return true;
  };

  // Powertools writes INFO and DEBUG to stdout, WARN and ERROR to stderr; Lambda ships both.
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    let pending = '';
    const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      const echoed = lines.filter((line) => !take(line));
      const result = echoed.length > 0 ? original(`${echoed.join('\n')}\n`, ...rest) : true;
      if (echoed.length === 0) {
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
      }
      // Only now: a listener that prints writes through this same stream, whole lines, in order.
      for (const event of taken.splice(0)) options.onLog?.(event);
      return result;
    };
    stream.write = write;
    restore.push(() => {
      if (stream.write === (write as typeof stream.write)) stream.write = original;
      if (pending) original(pending);
    });
  }

  return {
    metrics,
    logs,
    sum: (name, dimensions) =>
      metrics
        .filter((m) => m.name === name)
        .filter(
          (m) => !dimensions || JSON.stringify(sorted(m.dimensions)) === JSON.stringify(sorted(dimensions)),
        )
        .reduce((total, m) => total + m.value, 0),
    last: (name) => metrics.filter((m) => m.name === name).at(-1),
    clear: () => {
      metrics.length = 0;
      logs.length = 0;
    },
    stop: () => {
      for (const undo of restore.splice(0)) undo();
    },
  };
}
