import { createHash, randomUUID } from 'node:crypto';
import { localAccountId, localRegion } from './aws/local-identity.js';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

/** One message as the queue holds it. */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly sentTimestamp: number;
  /** MessageGroupId: the tenant of a fair queue; a message without one is a tenant of its own. */
  readonly groupId?: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** When the current receive began (for the tenant's processing-time share). */
  receivedAt?: number;
  /** Epoch ms at which it can next be received (delay or visibility timeout). */
  visibleAt: number;
  /** Only the latest receipt handle can delete the message. */
  receiptHandle?: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly receiveCount: number;
  readonly sentTimestamp: number;
  readonly firstReceiveTimestamp: number;
}

export interface QueueOptions {
  readonly name: string;
  /** Origin of the local SQS endpoint, so the SDK can use the queue URL as its endpoint. */
  readonly endpointUrl: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly delaySeconds?: number;
  /** SQS now accepts 1 MiB, but queues created before 2025 cap at 256 KiB: stay within both. */
  readonly maximumMessageSizeBytes?: number;
  readonly deadLetter?: { readonly queue: LocalQueue; readonly maxReceiveCount: number };
  readonly clock?: Clock;
}

/** How far back a tenant's processing time counts (AWS: a tenant quiet for 5 minutes is quiet again). */
const FAIRNESS_WINDOW_MS = 5 * 60_000;

export class MessageTooLongError extends Error {
  override readonly name = 'MessageTooLongError';
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * An in-memory queue with standard-SQS semantics: delay, visibility timeout, receive count, and a
 * redrive policy that moves a message to the dead-letter queue when it would be received more
 * than `maxReceiveCount` times.
 */
export class LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly delaySeconds: number;
  readonly maximumMessageSizeBytes: number;
  readonly deadLetter: QueueOptions['deadLetter'];
  private readonly clock: Clock;
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly listeners = new Set<() => void>();
  /** Processing time per tenant over the last FAIRNESS_WINDOW_MS (fair queues). */
  private recentWork: { groupId: string; ms: number; endedAt: number }[] = [];

  constructor(options: QueueOptions) {
    this.name = options.name;
    this.url = `${options.endpointUrl}/${localAccountId}/${options.name}`;
    this.arn = `arn:aws:sqs:${localRegion}:${localAccountId}:${options.name}`;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.delaySeconds = options.delaySeconds ?? 0;
    this.maximumMessageSizeBytes = options.maximumMessageSizeBytes ?? 262_144;
    this.deadLetter = options.deadLetter;
    this.clock = options.clock ?? systemClock;
  }

  send(input: {
    body: string;
    delaySeconds?: number;
    messageAttributes?: Record<string, MessageAttributeValue>;
    groupId?: string;
  }): QueuedMessage {
    if (Buffer.byteLength(input.body, 'utf8') > this.maximumMessageSizeBytes) {
      throw new MessageTooLongError(`Message must be shorter than ${this.maximumMessageSizeBytes} bytes.`);
    }
    const now = this.clock.now();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: input.messageAttributes ?? {},
      sentTimestamp: now,
      ...(input.groupId !== undefined && { groupId: input.groupId }),
      receiveCount: 0,
      visibleAt: now + (input.delaySeconds ?? this.delaySeconds) * 1000,
    };
    this.messages.set(message.messageId, message);
    for (const listener of this.listeners) listener();
    return message;
  }

  /**
   * Receives up to `max` visible messages, hiding each for the visibility timeout. A message that
   * has already been received `maxReceiveCount` times moves to the dead-letter queue instead.
   */
  receive(max: number, visibilityTimeoutSeconds = this.visibilityTimeoutSeconds): ReceivedMessage[] {
    const now = this.clock.now();
    const received: ReceivedMessage[] = [];
    const due = this.fairOrder(
      [...this.messages.values()].filter((m) => m.visibleAt <= now).sort((a, b) => a.visibleAt - b.visibleAt),
      now,
    );
    for (const message of due) {
      if (received.length >= max) break;
      if (this.deadLetter && message.receiveCount >= this.deadLetter.maxReceiveCount) {
        this.messages.delete(message.messageId);
        this.deadLetter.queue.adopt(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      this.endProcessing(message, now);
      message.receivedAt = now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        md5OfBody: message.md5OfBody,
        messageAttributes: message.messageAttributes,
        receiveCount: message.receiveCount,
        sentTimestamp: message.sentTimestamp,
        firstReceiveTimestamp: message.firstReceiveTimestamp,
      });
    }
    return received;
  }

  /** Deletes a received message; a stale receipt handle (from an earlier receive) deletes nothing. */
  delete(receiptHandle: string): boolean {
    const message = this.byReceiptHandle(receiptHandle);
    if (message) this.endProcessing(message, this.clock.now());
    return message ? this.messages.delete(message.messageId) : false;
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): boolean {
    const message = this.byReceiptHandle(receiptHandle);
    if (!message) return false;
    message.visibleAt = this.clock.now() + visibilityTimeoutSeconds * 1000;
    return true;
  }

  /** SQS's approximate counts: visible, in flight (received, not deleted), delayed (never received). */
  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.clock.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  /** A read-only view of every message, e.g. to inspect the dead-letter queue. */
  peek(): readonly Readonly<QueuedMessage>[] {
    return [...this.messages.values()].map((message) => ({ ...message }));
  }

  /** Epoch ms at which the next hidden message becomes receivable, if any. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values())
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    return next;
  }

  /** Moves every message of this (dead-letter) queue back to `target` as fresh messages. */
  redriveTo(target: LocalQueue): number {
    const moved = [...this.messages.values()];
    this.messages.clear();
    for (const message of moved)
      target.send({
        body: message.body,
        delaySeconds: 0,
        messageAttributes: { ...message.messageAttributes },
        ...(message.groupId !== undefined && { groupId: message.groupId }),
      });
    return moved.length;
  }

  purge(): void {
    this.messages.clear();
  }

  /** Calls `listener` whenever a message arrives; returns the unsubscribe function. */
  onMessage(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Receives a message moved here by the source queue's redrive policy, keeping its history. */
  private adopt(message: QueuedMessage): void {
    message.visibleAt = this.clock.now();
    delete message.receiptHandle;
    this.messages.set(message.messageId, message);
    for (const listener of this.listeners) listener();
  }

  /**
   * SQS fair queues, as AWS documents them: a tenant (MessageGroupId) holding more than 10% of
   * the in-flight messages with at least 30 of them, or more than 10% of the recent processing
   * time, is a noisy neighbour; while quiet tenants' messages wait, those are served first, and
   * among noisy tenants the one with the fewest messages in flight. Nothing is dropped or held
   * back: with no quiet message waiting, noisy ones are served as usual.
   */
  private fairOrder(due: QueuedMessage[], now: number): QueuedMessage[] {
    if (!due.some((message) => message.groupId !== undefined)) return due;
    this.recentWork = this.recentWork.filter((work) => now - work.endedAt < FAIRNESS_WINDOW_MS);
    const inFlight = new Map<string, number>();
    let allInFlight = 0;
    for (const message of this.messages.values()) {
      if (message.groupId === undefined || message.receivedAt === undefined || message.visibleAt <= now)
        continue;
      inFlight.set(message.groupId, (inFlight.get(message.groupId) ?? 0) + 1);
      allInFlight += 1;
    }
    const busy = new Map<string, number>();
    let allBusy = 0;
    for (const work of this.recentWork) {
      busy.set(work.groupId, (busy.get(work.groupId) ?? 0) + work.ms);
      allBusy += work.ms;
    }
    const noisy = (groupId: string | undefined): boolean => {
      if (groupId === undefined) return false;
      const flying = inFlight.get(groupId) ?? 0;
      const concurrencyShare = allInFlight === 0 ? 0 : flying / allInFlight;
      const timeShare = allBusy === 0 ? 0 : (busy.get(groupId) ?? 0) / allBusy;
      return (concurrencyShare > 0.1 && flying >= 30) || timeShare > 0.1;
    };
    const rank = (message: QueuedMessage) =>
      noisy(message.groupId) ? 1 + (inFlight.get(message.groupId!) ?? 0) : 0;
    // Array sort is stable: within a rank, the oldest visible first, as before.
    return due
      .map((message) => ({ message, rank: rank(message) }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ message }) => message);
  }

  /** A receive ended (deleted, or received again): its time counts to its tenant's share. */
  private endProcessing(message: QueuedMessage, now: number): void {
    if (message.groupId === undefined || message.receivedAt === undefined) return;
    this.recentWork.push({ groupId: message.groupId, ms: now - message.receivedAt, endedAt: now });
    delete message.receivedAt;
  }

  private byReceiptHandle(receiptHandle: string): QueuedMessage | undefined {
    const message = this.messages.get(receiptHandle.split('#')[0] ?? '');
    return message?.receiptHandle === receiptHandle ? message : undefined;
  }
}
