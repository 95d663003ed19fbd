import { z } from 'zod';
import { SeededRandom } from './random.js';

export const faultSchema = z.discriminatedUnion('kind', [
  /** HTTP 429 with Retry-After, as Shopify's edge answers under load. */
  z.object({ kind: z.literal('rateLimited'), retryAfterSeconds: z.number().nonnegative().default(2) }),
  /** A 5xx from Shopify or its edge. */
  z.object({
    kind: z.literal('serverError'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503)]),
  }),
  /** Answer normally, but only after `ms`. */
  z.object({ kind: z.literal('slow'), ms: z.number().int().nonnegative().max(120_000) }),
  /** Destroy the socket before any response byte: the client's fetch rejects. */
  z.object({ kind: z.literal('connectionReset') }),
  /**
   * Send only part of the JSON body. With `declareFullLength` the Content-Length promises the whole
   * body and the socket is then destroyed (the client's body read fails); without it the response
   * is a complete HTTP message whose JSON does not parse.
   */
  z.object({ kind: z.literal('truncatedBody'), declareFullLength: z.boolean().default(false) }),
]);

export type Fault = z.infer<typeof faultSchema>;

export const faultSettingsSchema = z
  .object({
    /** Faults for the next requests, one each, in order. */
    queue: z.array(faultSchema).default([]),
    /** After the queue is used up, each request meets one of `faults` with this probability. */
    random: z
      .object({
        probability: z.number().min(0).max(1),
        faults: z.array(faultSchema).min(1),
        seed: z.number().int().default(1),
      })
      .optional(),
  })
  .strict();

export type FaultSettings = z.input<typeof faultSettingsSchema>;

/** Decides, deterministically, which fault (if any) the next GraphQL request of a shop meets. */
export class FaultPlan {
  private queue: Fault[] = [];
  private random: { probability: number; faults: Fault[]; rng: SeededRandom } | undefined;

  set(settings: FaultSettings): void {
    const parsed = faultSettingsSchema.parse(settings);
    this.queue = [...parsed.queue];
    this.random = parsed.random && {
      probability: parsed.random.probability,
      faults: parsed.random.faults,
      rng: new SeededRandom(parsed.random.seed),
    };
  }

  clear(): void {
    this.set({});
  }

  next(): Fault | undefined {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.random && this.random.rng.chance(this.random.probability))
      return this.random.rng.pick(this.random.faults);
    return undefined;
  }
}
