/**
 * The reconcile's id listing of a large store by bulk operation, resumable across invocations.
 * A 100k-record store's listing may not fit one worker invocation (the operation runs for a
 * while, then the file streams), and the reconcile runs after a sync with what time is left. So
 * the listing keeps a checkpoint (operation id, result URL, line offset, the reconcile's start)
 * and puts the ids it read into a scratch store that outlives the invocation; the next reconcile
 * of the store goes on from the line where this one stopped, with the same operation.
 *
 * Memory stays flat at any store size: ids go to the scratch store a batch at a time (one sorted
 * chunk per batch, sorted-chunks.ts), and the conclusion reads them back in id order, merged page
 * by page against the mirror's index (which is in the same order), never as one set.
 */
import { isRunning, pollBulkOperation, pollDelays, startBulkOperation } from '../bulk/operations.js';
import { type BulkResultReader, BulkResultUnavailableError } from '../bulk/ports.js';
import { IncompleteListingError, ShopAdminError } from '../integrations/shop-admin.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import type { ChildKeys } from '../../resources/kit/definition.js';

/** Where a resource's bulk id listing stands; `listed` once the whole file was read. */
export interface BulkListingCheckpoint {
  readonly operationId: string;
  readonly url: string | null;
  readonly line: number;
  /** Ids read up to `line`: fewer than lines when parents' lines hold none (ChildKeys). */
  readonly ids?: number;
  /** The reconcile's start, kept for its conclusion (the "too recent to judge" cutoff). */
  readonly startedAt: string;
  readonly listed: boolean;
}

/** The listing's state between invocations (adapters/dynamodb/reconcile-listing-store.ts). */
export interface ReconcileListingStore {
  checkpoint(integrationId: string, resource: string): Promise<BulkListingCheckpoint | undefined>;
  saveCheckpoint(integrationId: string, resource: string, checkpoint: BulkListingCheckpoint): Promise<void>;
  /** Forgets the checkpoint: the next reconcile starts a new listing. Ids of old ones expire. */
  clear(integrationId: string, resource: string): Promise<void>;
  /**
   * Adds numeric ids read from `operationId`'s file, a batch starting at `line`; adding a batch
   * again (read again after a crash, from the same line) or an id twice is harmless.
   */
  addIds(
    integrationId: string,
    resource: string,
    operationId: string,
    ids: readonly string[],
    line: number,
  ): Promise<void>;
  /** Every id added for `operationId`, ascending in string order (the mirror index's order). */
  ids(integrationId: string, resource: string, operationId: string): AsyncIterable<string[]>;
}

export interface BulkIdListingInput {
  readonly shopify: ShopifyGraphql;
  readonly resource: {
    readonly name: string;
    readonly gidType: string;
    readonly idsQuery: string;
    /** Records keyed by parent and child: their keys come on the children's lines. */
    readonly keys?: Pick<ChildKeys, 'keyOfLine'>;
  };
  readonly integrationId: string;
  readonly results: BulkResultReader;
  readonly store: ReconcileListingStore;
  /** This reconcile's start: kept as the listing's start when it begins one. */
  readonly startedAt: string;
  /** Epoch ms: the listing stops here, checkpointed, and goes on next time. */
  readonly deadline: number;
  readonly heartbeat: () => Promise<void>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly firstPollDelayMs?: number;
  readonly maxPollDelayMs?: number;
}

/** Ids read (and checkpointed) at a time. */
export const LISTING_BATCH_IDS = 1000;
/** Operations started for one listing before it gives up (the next reconcile starts afresh). */
const MAX_OPERATIONS = 2;

/**
 * Runs or resumes the listing. Returns the finished listing's checkpoint, whose ids are in the
 * store; throws IncompleteListingError when it must stop (deadline, failed operations), with the
 * checkpoint saved wherever the listing can go on from.
 */
export async function listIdsInBulk(input: BulkIdListingInput): Promise<BulkListingCheckpoint> {
  const { shopify, resource, integrationId, store } = input;
  const now = input.now ?? Date.now;
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const delays = pollDelays(input.firstPollDelayMs ?? 1000, input.maxPollDelayMs ?? 10_000);
  const gidPattern = new RegExp(`^gid://shopify/${resource.gidType}/(\\d{1,20})$`);
  const stop = (reason: string): never => {
    throw new IncompleteListingError(`bulk id listing ${reason}; it goes on at the next reconcile`);
  };
  const wait = async () => {
    if (now() >= input.deadline) stop('ran out of time');
    await sleep(delays.next());
  };
  let checkpoint = await store.checkpoint(integrationId, resource.name);
  const save = async (next: BulkListingCheckpoint) => {
    checkpoint = next;
    await store.saveCheckpoint(integrationId, resource.name, next);
  };

  let operations = 0;
  for (;;) {
    if (checkpoint?.listed) return checkpoint;
    if (!checkpoint) {
      if (operations >= MAX_OPERATIONS) {
        await store.clear(integrationId, resource.name);
        throw new IncompleteListingError('bulk id listing failed twice');
      }
      const { started } = await startBulkOperation(shopify, resource.idsQuery);
      if (started === 'busy') {
        await wait();
        continue;
      }
      operations += 1;
      delays.reset();
      await save({ operationId: started.id, url: null, line: 0, startedAt: input.startedAt, listed: false });
    }
    const current: BulkListingCheckpoint = checkpoint!;
    if (current.url === null) {
      const { operation } = await pollBulkOperation(shopify, current.operationId);
      if (operation && isRunning(operation.status)) {
        await wait();
        continue;
      }
      if (operation?.status !== 'COMPLETED') {
        // Failed, canceled, expired or gone: one more operation, from the start.
        await store.clear(integrationId, resource.name);
        checkpoint = undefined;
        continue;
      }
      // `url: null`: nothing of this resource in the store.
      if (operation.url === null) return saveListed({ ...current, listed: true });
      await save({ ...current, url: operation.url });
    }
    try {
      await readFile(checkpoint!);
      return await saveListed({ ...checkpoint!, listed: true });
    } catch (error) {
      if (!(error instanceof BulkResultUnavailableError)) throw error;
      // The URL expired before the file was read: the ids read so far belong to that operation.
      await store.clear(integrationId, resource.name);
      checkpoint = undefined;
    }
  }

  async function saveListed(listed: BulkListingCheckpoint): Promise<BulkListingCheckpoint> {
    await save(listed);
    return listed;
  }

  /** Streams the file from the checkpoint's line; each batch is stored, then checkpointed. */
  async function readFile(from: BulkListingCheckpoint): Promise<void> {
    // `line` counts the file's lines: with child keys, a parent's line holds no id.
    let line = from.line;
    let read = from.line;
    let ids = from.ids ?? from.line;
    let batch: string[] = [];
    const flush = async () => {
      await store.addIds(integrationId, resource.name, from.operationId, batch, line);
      line = read;
      ids += batch.length;
      batch = [];
      await save({ ...from, line, ids });
      await input.heartbeat();
      if (now() >= input.deadline) stop('ran out of time');
    };
    for await (const text of input.results.lines(from.url!, from.line)) {
      read += 1;
      const id = idOfLine(JSON.parse(text));
      if (id !== undefined) batch.push(id);
      if (batch.length >= LISTING_BATCH_IDS) await flush();
    }
    if (read > line) await flush();
  }

  function idOfLine(node: unknown): string | undefined {
    if (resource.keys) return resource.keys.keyOfLine(node);
    const id = (node as { id?: unknown }).id;
    const match = typeof id === 'string' ? gidPattern.exec(id) : null;
    if (!match?.[1])
      throw new ShopAdminError(`bulk listing returned a line that is not a ${resource.gidType} id`);
    return match[1];
  }
}
