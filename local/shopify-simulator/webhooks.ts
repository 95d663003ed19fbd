import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { SeededRandom } from './random.js';
import { triggeredAt } from './time-format.js';

export const webhookFormats = ['JSON', 'XML'] as const;

export interface WebhookSubscription {
  /** gid://shopify/WebhookSubscription/<n> */
  readonly id: string;
  readonly legacyResourceId: string;
  /** GraphQL enum name, e.g. CUSTOMERS_UPDATE. */
  readonly topic: string;
  readonly uri: string;
  readonly format: (typeof webhookFormats)[number];
  readonly apiVersion: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The namespaces whose metafields an owner's body carries (`metafieldNamespaces`). */
  readonly metafieldNamespaces: readonly string[];
}

/** CUSTOMERS_CREATE → customers/create; APP_UNINSTALLED → app/uninstalled. */
export const restTopic = (graphqlTopic: string): string => {
  const lower = graphqlTopic.toLowerCase();
  const split = lower.lastIndexOf('_');
  return split === -1 ? lower : `${lower.slice(0, split)}/${lower.slice(split + 1)}`;
};

/** One delivery of one event to one subscription. A redelivery or duplicate reuses it, webhook id included. */
export interface WebhookDelivery {
  readonly webhookId: string;
  readonly eventId: string;
  readonly topic: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly topic: string;
  readonly url: string;
  readonly at: number;
  /** HTTP status, or null when the request failed or was dropped. */
  readonly status: number | null;
  readonly outcome: 'delivered' | 'rejected' | 'failed' | 'dropped';
  readonly error?: string;
}

export const deliverySettingsSchema = z
  .object({
    /** Keep deliveries for takeDeliveries() instead of POSTing them. */
    capture: z.boolean().default(false),
    duplicateProbability: z.number().min(0).max(1).default(0),
    dropProbability: z.number().min(0).max(1).default(0),
    delayMs: z
      .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
      .refine((range) => range.max >= range.min, 'delayMs.max must be >= delayMs.min')
      .default({ min: 0, max: 0 }),
    /** Hold deliveries until this many are waiting, then send them shuffled. 1 = in order. */
    reorderWindow: z.number().int().min(1).default(1),
    seed: z.number().int().default(1),
    /** Shopify gives a receiver 5 s before it counts the attempt as failed. */
    timeoutMs: z.number().int().positive().default(5000),
  })
  .strict();

export type DeliverySettings = z.input<typeof deliverySettingsSchema>;

export interface EventToDeliver {
  readonly topic: string;
  readonly shopDomain: string;
  readonly apiVersion: string;
  readonly url: string;
  readonly body: string;
  readonly eventId: string;
  readonly appSecret: string;
}

/** Builds the request exactly as Shopify sends it: signed raw body and X-Shopify-* headers. */
export function signedDelivery(event: EventToDeliver, clock: Clock): WebhookDelivery {
  const webhookId = randomUUID();
  const hmac = createHmac('sha256', event.appSecret).update(event.body, 'utf8').digest('base64');
  return {
    webhookId,
    eventId: event.eventId,
    topic: event.topic,
    url: event.url,
    body: event.body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Shopify-Captain-Hook',
      'X-Shopify-Topic': event.topic,
      'X-Shopify-Hmac-Sha256': hmac,
      'X-Shopify-Shop-Domain': event.shopDomain,
      'X-Shopify-API-Version': event.apiVersion,
      'X-Shopify-Webhook-Id': webhookId,
      'X-Shopify-Event-Id': event.eventId,
      'X-Shopify-Triggered-At': triggeredAt(clock.now(), Number(process.hrtime.bigint() % 1_000_000n)),
    },
  };
}

/**
 * Where subscriptions whose `uri` is a partner event source ARN deliver: the AWS endpoint (the
 * local runtime's `AWSEvents.PutEvents`), shared by every shop of the simulator and set once AWS
 * is up (`connectEventBridge`). `payloadLimitBytes`: larger bodies go as `{ "id": … }` only.
 */
export interface EventBridgeLink {
  endpointUrl?: string;
  payloadLimitBytes: number;
}

/** Shopify's inline limit through EventBridge (changelog 2026-11-17): 1,000,000 bytes. */
export const EVENTBRIDGE_PAYLOAD_LIMIT_BYTES = 1_000_000;

const eventSourceArnPattern =
  /^arn:aws:events:[a-z0-9-]+::event-source\/(aws\.partner\/shopify\.com\/\d+\/[\w.-]+)$/;

/** The partner event source a subscription `uri` names, if it is such an ARN. */
export const eventSourceOf = (uri: string): string | undefined => eventSourceArnPattern.exec(uri)?.[1];

/**
 * The same event as `signedDelivery`, as Shopify publishes it to a partner event source: the
 * headers (no HMAC: AWS authenticates the source) as `detail.metadata`, the body as
 * `detail.payload`, put on the partner bus with detail-type `shopifyWebhook`. A body over the
 * limit goes as `{ "id": … }` alone. The body's text is embedded as is, so 64-bit ids stay exact.
 */
export function eventBridgeDelivery(
  event: Omit<EventToDeliver, 'appSecret' | 'url'> & { readonly sourceName: string },
  link: EventBridgeLink,
  clock: Clock,
): WebhookDelivery {
  const webhookId = randomUUID();
  const metadata = {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': event.topic,
    'X-Shopify-Shop-Domain': event.shopDomain,
    'X-Shopify-API-Version': event.apiVersion,
    'X-Shopify-Webhook-Id': webhookId,
    'X-Shopify-Event-Id': event.eventId,
    'X-Shopify-Triggered-At': triggeredAt(clock.now(), Number(process.hrtime.bigint() % 1_000_000n)),
  };
  const oversized = Buffer.byteLength(event.body, 'utf8') > link.payloadLimitBytes;
  const payload = oversized ? `{"id":${/"id":\s*(\d+)/.exec(event.body)?.[1] ?? 'null'}}` : event.body;
  const detail = `{"payload":${payload},"metadata":${JSON.stringify(metadata)}}`;
  return {
    webhookId,
    eventId: event.eventId,
    topic: event.topic,
    url: link.endpointUrl ?? 'http://eventbridge.invalid',
    body: JSON.stringify({
      Entries: [
        {
          Source: event.sourceName,
          DetailType: 'shopifyWebhook',
          Detail: detail,
          EventBusName: event.sourceName,
        },
      ],
    }),
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSEvents.PutEvents',
    },
  };
}

/**
 * A shop's outgoing webhooks, with Shopify's delivery quirks on demand: duplicates (same webhook
 * id), drops (until redelivered), delays and reordering, all from a seeded PRNG.
 */
export class WebhookOutbox {
  private settings = deliverySettingsSchema.parse({});
  private rng = new SeededRandom(1);
  private held: WebhookDelivery[] = [];
  private captured: WebhookDelivery[] = [];
  private droppedDeliveries: WebhookDelivery[] = [];
  private failedDeliveries = new Map<string, WebhookDelivery>();
  private readonly inFlight = new Map<Promise<void>, WebhookDelivery>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private readonly attemptLog: DeliveryAttempt[] = [];
  private closed = false;

  constructor(private readonly clock: Clock) {}

  configure(settings: DeliverySettings): void {
    this.settings = deliverySettingsSchema.parse(settings);
    this.rng = new SeededRandom(this.settings.seed);
  }

  enqueue(delivery: WebhookDelivery): void {
    if (this.closed) return;
    if (this.rng.chance(this.settings.dropProbability)) {
      this.droppedDeliveries.push(delivery);
      this.record(delivery, null, 'dropped');
      return;
    }
    const copies = this.rng.chance(this.settings.duplicateProbability) ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      if (this.settings.capture) this.captured.push(delivery);
      else this.held.push(delivery);
    }
    if (this.held.length >= this.settings.reorderWindow) this.release();
  }

  /** Sends everything held for reordering and waits until no delivery is in flight. */
  async flush(): Promise<void> {
    this.release();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.keys()]);
  }

  /** Held (reorder window) and in-flight deliveries. */
  pending(): WebhookDelivery[] {
    return [...this.held, ...this.inFlight.values()];
  }

  /** Captured deliveries (capture mode), handed over once. */
  take(): WebhookDelivery[] {
    const taken = this.captured;
    this.captured = [];
    return taken;
  }

  dropped(): WebhookDelivery[] {
    return [...this.droppedDeliveries];
  }

  failed(): WebhookDelivery[] {
    return [...this.failedDeliveries.values()];
  }

  attempts(): DeliveryAttempt[] {
    return [...this.attemptLog];
  }

  /** Shopify's retry: sends dropped and failed deliveries again, same webhook id, and waits for them. */
  async redeliver(): Promise<number> {
    const again = [...this.droppedDeliveries, ...this.failedDeliveries.values()];
    this.droppedDeliveries = [];
    this.failedDeliveries.clear();
    for (const delivery of again) this.dispatch(delivery, 0);
    await this.flush();
    return again.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held = [];
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.controllers) controller.abort();
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  private release(): void {
    const batch = this.settings.reorderWindow > 1 ? this.rng.shuffle(this.held) : this.held;
    this.held = [];
    const { min, max } = this.settings.delayMs;
    for (const delivery of batch) this.dispatch(delivery, max > 0 ? this.rng.int(min, max) : 0);
  }

  private dispatch(delivery: WebhookDelivery, delayMs: number): void {
    const sending: Promise<void> = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, delayMs);
      this.timers.add(timer);
    })
      .then(() => (this.closed ? undefined : this.send(delivery)))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.set(sending, delivery);
  }

  private async send(delivery: WebhookDelivery): Promise<void> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.settings.timeoutMs);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: controller.signal,
      });
      const answer = await response.text().catch(() => '');
      // PutEvents answers 200 with the entries it could not put.
      if (response.ok && !/"FailedEntryCount":\s*[1-9]/.test(answer)) {
        this.failedDeliveries.delete(delivery.webhookId);
        this.record(delivery, response.status, 'delivered');
      } else {
        this.failedDeliveries.set(delivery.webhookId, delivery);
        this.record(delivery, response.status, 'rejected');
      }
    } catch (error) {
      this.failedDeliveries.set(delivery.webhookId, delivery);
      this.record(delivery, null, 'failed', error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
  }

  private record(
    delivery: WebhookDelivery,
    status: number | null,
    outcome: DeliveryAttempt['outcome'],
    error?: string,
  ) {
    this.attemptLog.push({
      webhookId: delivery.webhookId,
      topic: delivery.topic,
      url: delivery.url,
      at: this.clock.now(),
      status,
      outcome,
      ...(error === undefined ? {} : { error }),
    });
  }
}
