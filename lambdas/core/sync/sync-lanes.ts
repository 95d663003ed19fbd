import type { SyncMessage } from './sync-run.js';

/**
 * The two lanes of sync work, each its own queue with its own concurrency (issue 22 §2):
 * `incremental` is the hourly sync every store needs within minutes (and an operator's manual
 * one); `long` is work measured in invocations: a store's initial sync, and every continuation
 * (a run that needed more than one invocation, or waits for a bulk operation). Onboarding twenty
 * large stores then fills the long lane only, and small stores' hourly syncs keep theirs.
 */
export const syncLanes = ['incremental', 'long'] as const;
export type SyncLane = (typeof syncLanes)[number];

export const laneOf = (message: Pick<SyncMessage, 'trigger'>): SyncLane =>
  message.trigger === 'schedule' || message.trigger === 'manual' ? 'incremental' : 'long';
