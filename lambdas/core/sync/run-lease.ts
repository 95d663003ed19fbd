/**
 * One invocation's claim on its store: one run at a time per store, and one invocation at a time
 * per run. SQS delivers at least once, so two invocations may carry the same message; only the
 * one holding the lease syncs, and a run that lost it stops instead of racing the new holder.
 */
import { randomBytes } from 'node:crypto';
import { LeaseBusyError } from './errors.js';
import type { LeaseResult, SyncStateRepository } from './ports.js';

const iso = (millis: number) => new Date(millis).toISOString();

export class RunLease {
  private constructor(
    private readonly state: SyncStateRepository,
    private readonly integrationId: string,
    private readonly runId: string,
    /** Unique per invocation: another copy of the same message must not sync beside it. */
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
    /** When the lease was last taken or renewed (its expiry is this plus `ttlMs`). */
    private renewedAt: number,
  ) {}

  /** Takes the store's lease at `at` for this invocation of `runId`, or says who holds it. */
  static async acquire(
    state: SyncStateRepository,
    ids: { readonly integrationId: string; readonly runId: string },
    at: number,
    ttlMs: number,
    now: () => number,
  ): Promise<{ readonly lease: RunLease } | { readonly refused: Extract<LeaseResult, { acquired: false }> }> {
    const holder = randomBytes(9).toString('base64url');
    const result = await state.acquireLease(ids.integrationId, ids.runId, holder, iso(at), iso(at + ttlMs));
    if (!result.acquired) return { refused: result };
    return { lease: new RunLease(state, ids.integrationId, ids.runId, holder, ttlMs, now, at) };
  }

  /**
   * Heartbeat: extends the lease, or throws LeaseBusyError if another invocation took it. Renewed
   * only once a third of the lease has passed: while it is held and unexpired no one else can
   * take it, so an earlier renewal learns nothing, and each one is a conditional write of the
   * integration item (most of an idle store's DynamoDB cost, bench F1).
   */
  async keep(): Promise<void> {
    const at = this.now();
    if (at - this.renewedAt < this.ttlMs / 3) return;
    const renewed = await this.state.renewLease(
      this.integrationId,
      this.runId,
      this.holder,
      iso(at + this.ttlMs),
    );
    if (!renewed.acquired) throw new LeaseBusyError(this.integrationId, renewed.holderRunId);
    this.renewedAt = at;
  }

  /**
   * Keeps the store for this run but lets its next invocation take the lease at once: a pause's
   * continuation, or the retry of a failed attempt.
   */
  handOff(): Promise<void> {
    return this.state.handOffLease(this.integrationId, this.runId, this.holder);
  }
}
