/**
 * In-memory implementations of the sync's ports (core/sync/ports.ts): the integrations with their
 * lease and watermarks, the run history, and a queue that keeps what was sent. Each operation
 * holds the same condition as its DynamoDB counterpart (sync-state-store.ts, sync-run-store.ts),
 * so the engine's unit tests run the real run lifecycle without Java.
 */
import type { Integration } from '../../core/integrations/integration.js';
import type {
  IntegrationReader,
  LeaseResult,
  SendOptions,
  SendResult,
  SyncQueue,
  SyncRunRepository,
  SyncStateRepository,
} from '../../core/sync/ports.js';
import { isTerminal, type SyncMessage, type SyncRun } from '../../core/sync/sync-run.js';

interface StoredLease {
  readonly runId: string;
  readonly holder?: string;
  readonly expiresAt: string;
  readonly renewedAt: string;
}

type StoredIntegration = Integration & { syncLease?: StoredLease; activePartition?: string };

/** The Integrations table as the sync sees it: reads, the lease, watermarks and flags. */
export class InMemoryIntegrations implements IntegrationReader, SyncStateRepository {
  private readonly items = new Map<string, StoredIntegration>();

  put(integration: Integration): void {
    this.items.set(integration.integrationId, structuredClone(integration));
  }

  async get(integrationId: string): Promise<Integration | undefined> {
    const item = this.items.get(integrationId);
    if (!item) return undefined;
    const { syncLease: _lease, ...integration } = item;
    return structuredClone(integration);
  }

  /** The stored lease, for assertions. */
  lease(integrationId: string): StoredLease | undefined {
    return this.items.get(integrationId)?.syncLease;
  }

  async acquireLease(integrationId: string, runId: string, holder: string, now: string, expiresAt: string) {
    const item = this.items.get(integrationId);
    const lease = item?.syncLease;
    const free =
      !lease ||
      lease.expiresAt < now ||
      // The same run again: its own paused invocation (holder handed off) or this holder.
      (lease.runId === runId && (lease.holder === undefined || lease.holder === holder));
    if (!item || !free) return this.refused(integrationId);
    item.syncLease = { runId, holder, expiresAt, renewedAt: now };
    return { acquired: true } as const;
  }

  async renewLease(integrationId: string, runId: string, holder: string, expiresAt: string) {
    const lease = this.heldBy(integrationId, runId, holder);
    if (!lease) return this.refused(integrationId);
    this.items.get(integrationId)!.syncLease = { ...lease, expiresAt };
    return { acquired: true } as const;
  }

  async handOffLease(integrationId: string, runId: string, holder: string): Promise<void> {
    const lease = this.heldBy(integrationId, runId, holder);
    if (!lease) return;
    const { holder: _holder, ...handedOff } = lease;
    this.items.get(integrationId)!.syncLease = handedOff;
  }

  async releaseLease(integrationId: string, runId: string): Promise<void> {
    const item = this.items.get(integrationId);
    if (item?.syncLease?.runId === runId) delete item.syncLease;
  }

  async leaseHolder(integrationId: string, now: string): Promise<string | undefined> {
    const lease = this.items.get(integrationId)?.syncLease;
    return lease && lease.expiresAt >= now ? lease.runId : undefined;
  }

  async completeSync(
    integrationId: string,
    runId: string,
    startedAt: string,
    resources: Pick<Integration, 'syncWatermarks' | 'resourceAttention'>,
  ): Promise<boolean> {
    const item = this.items.get(integrationId);
    // The watermark never moves backwards, even if runs finish out of order.
    const advances =
      item?.syncLease?.runId === runId &&
      (item.lastSuccessfulSyncAt === undefined || item.lastSuccessfulSyncAt < startedAt);
    if (!advances) {
      await this.releaseLease(integrationId, runId);
      return false;
    }
    this.update(integrationId, {
      lastSuccessfulSyncAt: startedAt,
      lastSyncRunId: runId,
      syncWatermarks: resources.syncWatermarks,
      resourceAttention: resources.resourceAttention,
    });
    delete this.items.get(integrationId)!.syncLease;
    return true;
  }

  async markNeedsAttention(integrationId: string, reason: string, now: string): Promise<boolean> {
    // Only an ACTIVE integration is flagged: an uninstall (INACTIVE) is the stronger fact.
    if (this.items.get(integrationId)?.status !== 'ACTIVE') return false;
    this.update(integrationId, { status: 'NEEDS_ATTENTION', statusReason: reason, updatedAt: now });
    this.drop(integrationId, 'activePartition', 'syncLease');
    return true;
  }

  async confirmUninstall(integrationId: string, uninstalledAt: string, now: string): Promise<boolean> {
    const item = this.items.get(integrationId);
    if (item?.status !== 'ACTIVE' || item.uninstallClaimedAt === undefined) return false;
    this.update(integrationId, {
      status: 'INACTIVE',
      statusReason: 'app-uninstalled',
      uninstalledAt,
      updatedAt: now,
    });
    this.drop(integrationId, 'activePartition', 'syncLease', 'uninstallClaimedAt');
    return true;
  }

  async refuteUninstallClaim(integrationId: string, syncStartedAt: string): Promise<void> {
    // Only a claim older than the sync's start: one that came in while it ran is still open.
    const claimedAt = this.items.get(integrationId)?.uninstallClaimedAt;
    if (claimedAt !== undefined && claimedAt < syncStartedAt) this.drop(integrationId, 'uninstallClaimedAt');
  }

  async recordHealed(integrationId: string, healed: number, at: string): Promise<void> {
    const item = this.items.get(integrationId);
    if (item)
      this.update(integrationId, { healedBySync: (item.healedBySync ?? 0) + healed, lastHealedAt: at });
  }

  private heldBy(integrationId: string, runId: string, holder: string): StoredLease | undefined {
    const lease = this.items.get(integrationId)?.syncLease;
    return lease?.runId === runId && lease.holder === holder ? lease : undefined;
  }

  private refused(integrationId: string): LeaseResult {
    return { acquired: false, holderRunId: this.items.get(integrationId)?.syncLease?.runId };
  }

  private update(integrationId: string, changes: Partial<Integration>): void {
    const item = this.items.get(integrationId)!;
    this.items.set(integrationId, { ...item, ...changes });
  }

  private drop(integrationId: string, ...names: (keyof StoredIntegration)[]): void {
    const item = this.items.get(integrationId)!;
    for (const name of names) delete item[name];
  }
}

/** The run history, newest run id first, with DynamoDB's conditions on every transition. */
export class InMemorySyncRuns implements SyncRunRepository {
  private readonly runs = new Map<string, SyncRun>();

  async createIfAbsent(run: SyncRun): Promise<SyncRun> {
    const existing = this.runs.get(keyOf(run.integrationId, run.runId));
    if (existing) return structuredClone(existing);
    this.runs.set(keyOf(run.integrationId, run.runId), structuredClone(run));
    return run;
  }

  async get(integrationId: string, runId: string): Promise<SyncRun | undefined> {
    const run = this.runs.get(keyOf(integrationId, runId));
    return run && structuredClone(run);
  }

  async list(integrationId: string, { limit, cursor }: { limit: number; cursor?: string }) {
    const newestFirst = [...this.runs.values()]
      .filter((run) => run.integrationId === integrationId && (cursor === undefined || run.runId < cursor))
      .sort((a, b) => (a.runId < b.runId ? 1 : -1));
    const items = newestFirst.slice(0, limit).map((run) => structuredClone(run));
    const more = newestFirst.length > limit;
    return { items, ...(more && { nextCursor: items.at(-1)!.runId }) };
  }

  async markRunning(integrationId: string, runId: string, now: string): Promise<SyncRun> {
    const run = this.open(integrationId, runId);
    if (!run) throw new Error(`Run ${runId} is finished or unknown`);
    return this.set({
      ...run,
      status: 'running',
      startedAt: run.startedAt ?? now,
      invocations: (run.invocations ?? 0) + 1,
    });
  }

  async saveProgress(
    integrationId: string,
    runId: string,
    progress: Parameters<SyncRunRepository['saveProgress']>[2],
  ) {
    const run = this.runs.get(keyOf(integrationId, runId));
    if (!run) throw new Error(`Run ${runId} is unknown`);
    this.set({ ...run, resources: progress.resources, calls: progress.calls });
  }

  async recordRetry(
    integrationId: string,
    runId: string,
    retry: { lastError: string; nextAttemptAt: string },
  ) {
    const run = this.open(integrationId, runId);
    // Finished meanwhile: the outcome stands.
    if (run) this.set({ ...run, status: 'retrying', ...retry });
  }

  async reopen(
    integrationId: string,
    runId: string,
    exhaustedMessageId: string,
    now: string,
  ): Promise<boolean> {
    const run = this.runs.get(keyOf(integrationId, runId));
    if (run?.status !== 'failed' || run.exhaustedMessageId !== exhaustedMessageId) return false;
    const { finishedAt: _f, exhaustedMessageId: _e, nextAttemptAt: _n, ...kept } = run;
    this.set({ ...kept, status: 'resumed', resumedAt: now });
    return true;
  }

  async finish(
    integrationId: string,
    runId: string,
    { progress, ...outcome }: Parameters<SyncRunRepository['finish']>[2],
  ): Promise<boolean> {
    const run = this.open(integrationId, runId);
    // Already terminal: the first outcome stands.
    if (!run) return false;
    this.set({
      ...run,
      ...(progress && { resources: progress.resources, calls: progress.calls }),
      ...outcome,
    });
    return true;
  }

  private open(integrationId: string, runId: string): SyncRun | undefined {
    const run = this.runs.get(keyOf(integrationId, runId));
    return run && !isTerminal(run.status) ? run : undefined;
  }

  private set(run: SyncRun): SyncRun {
    this.runs.set(keyOf(run.integrationId, run.runId), structuredClone(run));
    return structuredClone(run);
  }
}

const keyOf = (integrationId: string, runId: string) => `${integrationId}\u0000${runId}`;

/** A queue that keeps every message sent, with its options, for the test to deliver. */
export class InMemorySyncQueue implements SyncQueue {
  readonly sent: { readonly message: SyncMessage; readonly options?: SendOptions }[] = [];

  async send(messages: readonly SyncMessage[], options?: SendOptions): Promise<SendResult> {
    for (const message of messages) this.sent.push({ message, ...(options && { options }) });
    return { sent: messages.length, failed: [] };
  }

  /** Takes the messages sent so far, oldest first. */
  take(): SyncMessage[] {
    return this.sent.splice(0).map(({ message }) => message);
  }
}
