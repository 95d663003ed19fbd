import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { CallCounters, ResourceProgress } from './progress.js';

/** `initial`: the first sync of a store (no watermark yet). Continuations keep their run's trigger. */
export const runTriggers = ['schedule', 'manual', 'initial'] as const;
export type RunTrigger = (typeof runTriggers)[number];

export const messageTriggers = [...runTriggers, 'continuation'] as const;
export type MessageTrigger = (typeof messageTriggers)[number];

/**
 * `retrying`: an attempt failed and the next one is scheduled (`nextAttemptAt`). `resumed`: a run
 * that had failed after its last receive was re-opened by a message redriven from the DLQ.
 */
export const runStatuses = [
  'queued',
  'running',
  'retrying',
  'resumed',
  'succeeded',
  'failed',
  'skipped',
] as const;
export type RunStatus = (typeof runStatuses)[number];

export const isTerminal = (status: RunStatus): boolean =>
  status === 'succeeded' || status === 'failed' || status === 'skipped';

/** Why a run did nothing: visible in the history so operators can tell duplicates from faults. */
export type SkipReason =
  'RECENTLY_SYNCED' | 'ANOTHER_SYNC_RUNNING' | 'INTEGRATION_NOT_ACTIVE' | 'INTEGRATION_NOT_FOUND';

export interface SyncRun {
  readonly integrationId: string;
  readonly runId: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly queuedAt: string;
  /** Start of the first invocation; becomes the watermark when the run succeeds. */
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Invocations so far (continuations and redeliveries included). */
  readonly invocations?: number;
  /**
   * Per resource (keyed by definition name): status, checkpoint and counters. Resources run one
   * after another in registration order; a continuation resumes the first one not finished.
   */
  readonly resources?: Readonly<Record<string, ResourceProgress>>;
  /** What the run's Shopify calls cost, over all its resources. */
  readonly calls?: CallCounters;
  readonly skipReason?: SkipReason;
  /** Message only: never a token, a payload or a stack. */
  readonly lastError?: string;
  /** While `retrying`: when the failed attempt's message becomes visible again. */
  readonly nextAttemptAt?: string;
  /**
   * Set when the run failed on its message's last receive: that message goes to the DLQ, and a
   * redriven copy (another message id) re-opens the run from its checkpoint.
   */
  readonly exhaustedMessageId?: string;
  /** Last time a redriven message re-opened this run. */
  readonly resumedAt?: string;
  /** Records written because newer than the mirror (0 for a store's first sync): what webhooks missed. */
  readonly healedBySync?: number;
  /**
   * On a `succeeded` run that left resources out: each with why (MISSING_SCOPE, ACCESS_DENIED).
   * A succeeded run without it synced everything; with it, it is not a clean success.
   */
  readonly resourceAttention?: Readonly<Record<string, string>>;
  /** Epoch seconds: DynamoDB TTL. */
  readonly expiresAt: number;
}

/** The queue message between the fan-out / API and the worker (SQS body, JSON). */
export const syncMessageSchema = z.object({
  integrationId: z.string().min(1).max(128),
  trigger: z.enum(messageTriggers),
  runId: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'runId')
    .optional(),
  /**
   * A continuation of a run that paused to wait for a bulk operation: the run's invocation count
   * then. Two messages continue such a wait (the BULK_OPERATIONS_FINISH wake-up and the delayed
   * poll that stands in for it); the first serves it, and the other, finding the run moved past
   * this count, is dropped.
   */
  afterInvocation: z.number().int().nonnegative().optional(),
});
export type SyncMessage = z.infer<typeof syncMessageSchema>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const encodeTime = (millis: number): string => {
  let out = '';
  let rest = Math.floor(millis);
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
};

const encodeBytes = (bytes: Uint8Array): string => {
  let bits = 0n;
  for (const byte of bytes.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
};

/** A ULID: sorts by creation time, so the newest runs come first in a descending Query. */
export const newRunId = (nowMillis: number): string => encodeTime(nowMillis) + encodeBytes(randomBytes(10));

/**
 * The run id of a queue message that carries none (scheduled triggers): derived from the message
 * id, so a redelivery after a crash finds the same run and resumes its checkpoint.
 */
export const runIdForMessage = (sentAtMillis: number, messageId: string): string =>
  encodeTime(sentAtMillis) + encodeBytes(createHash('sha256').update(messageId).digest());
