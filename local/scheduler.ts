import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { localAccountId, localRegion } from './aws/local-identity.js';
import { invokeLambda, type LambdaHandler } from './lambda-invoke.js';

export interface ScheduledJob {
  /** The EventBridge rule's name, also shown in logs. */
  readonly name: string;
  readonly everySeconds: number;
  readonly handler: LambdaHandler<ScheduledEvent, unknown>;
  readonly functionName: string;
  readonly timeoutMs: number;
}

export interface Scheduler {
  /** Fires a job now, as if its rule had matched; resolves when the handler finishes. */
  fire(name: string): Promise<void>;
  /** Times each job has been invoked, by name. */
  readonly invocations: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

export const scheduledEvent = (ruleName: string, time = new Date()): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: localAccountId,
  time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: localRegion,
  resources: [`arn:aws:events:${localRegion}:${localAccountId}:rule/${ruleName}`],
  detail: {},
});

/**
 * Stands in for EventBridge `rate(...)` rules: each job fires every `everySeconds`, first one
 * interval after start. A run still going when the next is due is skipped rather than stacked, so
 * a short demo interval cannot pile up invocations.
 */
export function startScheduler(
  jobs: readonly ScheduledJob[],
  log: (line: string) => void = console.log,
): Scheduler {
  const invocations = new Map<string, number>(jobs.map((job) => [job.name, 0]));
  const running = new Map<string, Promise<void>>();
  const byName = new Map(jobs.map((job) => [job.name, job]));

  const run = (job: ScheduledJob): Promise<void> => {
    const current = running.get(job.name);
    if (current) {
      log(`[scheduler] ${job.name}: previous run still going, skipping this tick`);
      return current;
    }
    invocations.set(job.name, (invocations.get(job.name) ?? 0) + 1);
    const invocation = invokeLambda(job.handler, scheduledEvent(job.name), {
      functionName: job.functionName,
      timeoutMs: job.timeoutMs,
    })
      .then(() => undefined)
      .catch((error: unknown) =>
        log(`[scheduler] ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => running.delete(job.name));
    running.set(job.name, invocation);
    return invocation;
  };

  const timers = jobs.map((job) => setInterval(() => void run(job), job.everySeconds * 1000));

  return {
    invocations,
    fire: (name) => {
      const job = byName.get(name);
      if (!job) throw new Error(`No scheduled job named ${name}`);
      return run(job);
    },
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(running.values());
    },
  };
}
