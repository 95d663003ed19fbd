/**
 * F2 (issue 22 §2): while 20 large stores onboard at once, how long after its scheduled time does
 * a small store's hourly sync end? Simulated time: the real local queue (local/queue.ts, its
 * visibility, delays and fair-queue order) under a clock the simulation moves, the real lane
 * routing (lambdas/core/sync/sync-lanes.ts), and event sources with the deployed maximum
 * concurrency; each invocation's duration comes from the model below, not from running a sync.
 *
 * Measured for three designs in the same run: main's before this change (one queue, one event
 * source, maximum concurrency 5), the same with the lanes' total concurrency (10) to show the
 * lanes are not just more concurrency, and the lanes (5 + 5, fair queues).
 */
import { laneOf, type SyncLane } from '../../lambdas/core/sync/sync-lanes.js';
import type { MessageTrigger } from '../../lambdas/core/sync/sync-run.js';
import { LocalQueue } from '../../local/queue.js';
import type { Figure } from '../support/figure.js';

/** The workload, with where each number comes from. */
export const fairQueueModel = {
  smallStores: 500,
  largeStores: 20,
  /** An hourly sync of a small store: a few Admin calls and writes (F1's model: well under 1 s). */
  smallSyncSeconds: 2,
  /** A large store: 100,000 customers, 200,000 orders, 5,000 products, synced in bulk. */
  largeRecords: [100_000, 200_000, 5_000],
  /** Bulk records written per second by one invocation (bench P3: 1,814/s against DynamoDB Local). */
  bulkWriteRate: 1_800,
  /** An invocation polls its bulk operation this long before it hands off (lambdas/core/sync). */
  bulkPollSeconds: 20,
  /** Shopify's time to run one bulk operation of the store (assumed: minutes for 100k+ objects). */
  bulkOperationSeconds: 240,
  /** The worker's timeout (lib/config.ts) less its pause margin: the longest slice of work. */
  sliceSeconds: 300 - 60,
  /** The large stores connect at 0; the hourly rounds fire at these times. */
  roundsAtSeconds: [300, 3_900, 7_500],
} as const;

interface Design {
  readonly name: string;
  readonly lanes: Readonly<Record<SyncLane, { queue: 'one' | 'own'; maxConcurrency: number }>>;
  readonly fair: boolean;
}

export const designs: readonly Design[] = [
  {
    name: 'before (main: one queue, max concurrency 5)',
    lanes: { incremental: { queue: 'one', maxConcurrency: 5 }, long: { queue: 'one', maxConcurrency: 5 } },
    fair: false,
  },
  {
    name: 'one queue, max concurrency 10',
    lanes: {
      incremental: { queue: 'one', maxConcurrency: 10 },
      long: { queue: 'one', maxConcurrency: 10 },
    },
    fair: false,
  },
  {
    name: 'after (two lanes, 5 + 5, fair queues)',
    lanes: { incremental: { queue: 'own', maxConcurrency: 5 }, long: { queue: 'own', maxConcurrency: 5 } },
    fair: true,
  },
];

/** One invocation of a store's work: seconds busy in Lambda, then seconds until its continuation. */
interface Step {
  readonly workSeconds: number;
  readonly waitAfterSeconds: number;
}

/** A large store's initial sync as invocations: per resource, start and poll, wait, then stream in slices. */
export const largeStoreSteps = (model = fairQueueModel): Step[] =>
  model.largeRecords.flatMap((records) => {
    const stream = records / model.bulkWriteRate;
    const slices = Math.max(1, Math.ceil(stream / model.sliceSeconds));
    return [
      {
        workSeconds: model.bulkPollSeconds,
        waitAfterSeconds: model.bulkOperationSeconds - model.bulkPollSeconds,
      },
      ...Array.from({ length: slices }, () => ({ workSeconds: stream / slices, waitAfterSeconds: 0 })),
    ];
  });

interface Body {
  readonly store: string;
  readonly trigger: MessageTrigger;
  readonly step: number;
  readonly scheduledAt: number;
}

export interface DesignResult {
  readonly name: string;
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
  readonly smallSyncs: number;
  /** When the last large store finished its initial sync. */
  readonly onboardedAtSeconds: number;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

export function simulateDesign(design: Design, model = fairQueueModel): DesignResult {
  let now = 0;
  const clock = { now: () => now * 1000 };
  const endpointUrl = 'http://127.0.0.1:1';
  const queues = new Map<string, LocalQueue>();
  const queueOf = (lane: SyncLane) => {
    const key = design.lanes[lane].queue === 'one' ? 'one' : lane;
    let queue = queues.get(key);
    if (!queue) {
      queue = new LocalQueue({ name: `f2-${key}`, endpointUrl, clock, visibilityTimeoutSeconds: 1_800 });
      queues.set(key, queue);
    }
    return queue;
  };
  const sources = [...new Set((['incremental', 'long'] as const).map(queueOf))].map((queue) => ({
    queue,
    maxConcurrency:
      design.lanes[(['incremental', 'long'] as const).find((lane) => queueOf(lane) === queue)!]
        .maxConcurrency,
    running: [] as { endsAt: number; receiptHandle: string; body: Body }[],
  }));
  const send = (body: Body, delaySeconds = 0) =>
    queueOf(laneOf(body)).send({
      body: JSON.stringify(body),
      delaySeconds,
      ...(design.fair && { groupId: body.store }),
    });

  const large = largeStoreSteps(model);
  const delays: number[] = [];
  let onboardedAt = 0;
  for (let n = 0; n < model.largeStores; n++)
    send({ store: `large-${n}`, trigger: 'initial', step: 0, scheduledAt: 0 });
  const rounds = [...model.roundsAtSeconds];

  const finish = (body: Body) => {
    if (body.trigger === 'schedule') {
      delays.push(now - body.scheduledAt);
      return;
    }
    const next = body.step + 1;
    if (next >= large.length) {
      onboardedAt = Math.max(onboardedAt, now);
      return;
    }
    send({ ...body, trigger: 'continuation', step: next }, Math.min(900, large[body.step]!.waitAfterSeconds));
  };

  for (let guard = 0; guard < 1_000_000; guard++) {
    // Start whatever the free slots can take now.
    for (const source of sources) {
      while (source.running.length < source.maxConcurrency) {
        const [message] = source.queue.receive(1);
        if (!message) break;
        const body = JSON.parse(message.body) as Body;
        const work = body.trigger === 'schedule' ? model.smallSyncSeconds : large[body.step]!.workSeconds;
        source.running.push({ endsAt: now + work, receiptHandle: message.receiptHandle, body });
      }
    }
    const nextEnd = Math.min(...sources.flatMap((s) => s.running.map((r) => r.endsAt)));
    const nextVisible = Math.min(
      ...[...queues.values()]
        .map((queue) => (queue.nextVisibleAt() ?? Infinity) / 1000)
        .filter((t) => t > now),
    );
    const nextRound = rounds[0] ?? Infinity;
    const next = Math.min(nextEnd, nextVisible, nextRound);
    if (!Number.isFinite(next)) break;
    now = next;
    if (nextRound === now) {
      rounds.shift();
      for (let n = 0; n < model.smallStores; n++)
        send({ store: `small-${n}`, trigger: 'schedule', step: 0, scheduledAt: now });
    }
    for (const source of sources) {
      for (const done of source.running.filter((r) => r.endsAt <= now)) {
        source.queue.delete(done.receiptHandle);
        finish(done.body);
      }
      source.running = source.running.filter((r) => r.endsAt > now);
    }
  }
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    name: design.name,
    p50Seconds: quantile(sorted, 0.5),
    p99Seconds: quantile(sorted, 0.99),
    maxSeconds: sorted.at(-1) ?? Number.NaN,
    smallSyncs: delays.length,
    onboardedAtSeconds: onboardedAt,
  };
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

export function fairQueues(): Figure {
  const [before, sameTotal, after] = designs.map((design) => simulateDesign(design));
  const model = fairQueueModel;
  return {
    id: 'F2',
    title: `Hourly syncs of ${model.smallStores} small stores while ${model.largeStores} large stores onboard at once (simulated time: the local queue, the lane routing, modelled durations)`,
    measured: `after (two lanes, fair queues): p99 **${minutes(after!.p99Seconds)}** from scheduled time to the end of the sync (p50 ${minutes(after!.p50Seconds)}, max ${minutes(after!.maxSeconds)}; ${after!.smallSyncs} syncs)`,
    baseline: `before (main: one queue, concurrency 5): p99 ${minutes(before!.p99Seconds)}, max ${minutes(before!.maxSeconds)}; one queue at concurrency 10: p99 ${minutes(sameTotal!.p99Seconds)}`,
    target: 'p99 < 5 min after',
    pass: after!.p99Seconds < 300,
    data: { model, results: [before, sameTotal, after] },
  };
}
