import * as z from 'zod';
import { type AccessTokenSource, fixedToken } from '../../core/credentials/credentials.js';
import type {
  BucketEstimate,
  GraphqlCallStats,
  GraphqlCost,
  GraphqlQueryOptions,
  GraphqlResult,
  ShopifyGraphql,
  ThrottleStatus,
} from '../../shopify/graphql.js';
import {
  ShopifyAccessDeniedError,
  ShopifyAuthError,
  ShopifyGraphqlError,
  ShopifyHttpError,
  ShopifyResponseError,
  ShopifyShopUnavailableError,
  ShopifyUnavailableError,
} from './errors.js';
import { countRequest, countUsage, usageMeterEnabled } from '../usage-meter.js';

/** A document's operation name (`query CustomersPage(...)` → CustomersPage), for the usage meter. */
const operationOf = (document: string): string =>
  /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'anonymous';

export const DEFAULT_ADMIN_URL_TEMPLATE = 'https://{shop}/admin/api/{version}/graphql.json';

export interface ShopifyAdminClientOptions {
  readonly shopDomain: string;
  /**
   * Sent only as the X-Shopify-Access-Token header; never logged or put into an error. A source
   * (core/credentials) is asked before each request and renews once on a 401.
   */
  readonly accessToken: string | AccessTokenSource;
  readonly apiVersion: string;
  readonly urlTemplate?: string;
  readonly fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  readonly random?: () => number;
  readonly requestTimeoutMs?: number;
  /** Attempts per call for transient failures (5xx, 429, timeouts, resets, bad bodies). */
  readonly maxAttempts?: number;
  /** THROTTLED answers tolerated per call; pacing normally keeps this at zero. */
  readonly maxThrottledRetries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Upper bound for a Retry-After we are willing to honour within one invocation. */
  readonly maxRetryAfterMs?: number;
}

const throttleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number().positive(),
});

const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.object({
        message: z.string(),
        extensions: z.object({ code: z.string().optional() }).loose().optional(),
      }),
    )
    .optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          actualQueryCost: z.number().nullable().optional(),
          throttleStatus: throttleStatusSchema,
        })
        .optional(),
    })
    .loose()
    .optional(),
});

/**
 * Held back from the projected bucket: covers timer and rounding slack between our clock and
 * Shopify's, so a request sized to the estimate is not refused as THROTTLED.
 */
const ESTIMATE_MARGIN_SECONDS = 0.05;

/**
 * The share of the bucket this client never plans to spend. The bucket is the store's, not ours:
 * the webhook health check, connect's subscription mutations and an operator's call draw on it
 * too. A sync that sized its pages to the whole bucket would keep it near zero and starve them
 * into THROTTLED. Throughput is unchanged: a long sync is bound by the restore rate, not by the
 * bucket's size.
 */
export const RESERVED_BUCKET_SHARE = 0.1;

const reserveOf = (status: ThrottleStatus) => status.maximumAvailable * RESERVED_BUCKET_SHARE;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A GraphQL Admin API client for one store that paces itself on Shopify's leaky bucket. The same
 * code serves a 100 points/s shop and a 1000+ points/s one: it never assumes a plan, it reads
 * `extensions.cost.throttleStatus` after each response and, before the next request, waits only
 * as long as the bucket needs to hold that request's expected cost.
 */
export class ShopifyAdminClient implements ShopifyGraphql {
  readonly #url: string;
  readonly #tokens: AccessTokenSource;
  readonly #fetch: typeof globalThis.fetch;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;
  readonly #maxThrottled: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #maxRetryAfterMs: number;
  #bucket: { status: ThrottleStatus; at: number } | undefined;

  constructor(options: ShopifyAdminClientOptions) {
    this.#url = (options.urlTemplate ?? DEFAULT_ADMIN_URL_TEMPLATE)
      .replaceAll('{shop}', options.shopDomain)
      .replaceAll('{version}', options.apiVersion);
    this.#tokens =
      typeof options.accessToken === 'string' ? fixedToken(options.accessToken) : options.accessToken;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#maxThrottled = options.maxThrottledRetries ?? 10;
    this.#baseMs = options.backoffBaseMs ?? 500;
    this.#maxMs = options.backoffMaxMs ?? 20_000;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  }

  /** The bucket as last reported, projected to now with the restore rate. */
  get throttleStatus(): ThrottleStatus | undefined {
    if (!this.#bucket) return undefined;
    const { status, at } = this.#bucket;
    const refilled = status.currentlyAvailable + (status.restoreRate * Math.max(0, this.#now() - at)) / 1000;
    return { ...status, currentlyAvailable: Math.min(status.maximumAvailable, refilled) };
  }

  /**
   * What the next request can spend without waiting and without touching the reserve left for the
   * store's other consumers. Conservative: the status is timestamped when its response arrived
   * (Shopify took it earlier, so it has restored more than we count), and a margin is held back.
   */
  availableNow(): BucketEstimate | undefined {
    const status = this.throttleStatus;
    if (!status) return undefined;
    const margin = status.restoreRate * ESTIMATE_MARGIN_SECONDS;
    return {
      available: Math.max(0, Math.floor(status.currentlyAvailable - reserveOf(status) - margin)),
      maximum: status.maximumAvailable,
    };
  }

  async query<T>(
    document: string,
    variables: Record<string, unknown>,
    dataSchema: z.ZodType<T>,
    options: GraphqlQueryOptions = {},
  ): Promise<GraphqlResult<T>> {
    const stats = { costUsed: 0, throttleWaits: 0, throttleWaitMs: 0, throttledResponses: 0, retries: 0 };
    let expectedCost = options.expectedCost ?? 0;
    let failures = 0;
    let renewed = false;
    for (;;) {
      await this.#waitForBucket(expectedCost, stats);
      // Asked after any wait: the token sent is fresh when the request leaves.
      const token = await this.#tokens.token();
      let response: Response;
      let text: string;
      countRequest('shopify');
      if (usageMeterEnabled()) countUsage(`shopify.requests.${operationOf(document)}`);
      try {
        response = await this.#fetch(this.#url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-shopify-access-token': token,
          },
          body: JSON.stringify({ query: document, variables }),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        // Read the body inside the try: a reset mid-body surfaces here, not in fetch().
        text = await response.text();
      } catch (error) {
        failures = await this.#backoffOrGiveUp(failures, stats, describeNetworkError(error));
        continue;
      }

      if (response.status === 401 && !renewed) {
        // Expired or replaced: one renewal, then the same request again.
        renewed = true;
        if ((await this.#tokens.renew(token)) !== undefined) continue;
      }
      if (response.status === 401 || response.status === 403) throw new ShopifyAuthError(response.status);
      if (response.status === 402 || response.status === 404 || response.status === 423) {
        throw new ShopifyShopUnavailableError(response.status);
      }
      if (response.status === 429) {
        failures = await this.#retryAfterOrGiveUp(failures, stats, response.headers.get('retry-after'));
        continue;
      }
      if (response.status >= 500) {
        failures = await this.#backoffOrGiveUp(failures, stats, `HTTP ${response.status}`);
        continue;
      }
      if (response.status < 200 || response.status >= 300) throw new ShopifyHttpError(response.status);

      let envelope: z.infer<typeof envelopeSchema>;
      try {
        envelope = envelopeSchema.parse(JSON.parse(text));
      } catch {
        failures = await this.#backoffOrGiveUp(failures, stats, 'truncated or malformed response body');
        continue;
      }

      const cost = envelope.extensions?.cost;
      if (cost) {
        this.#bucket = { status: cost.throttleStatus, at: this.#now() };
        stats.costUsed += cost.actualQueryCost ?? 0;
        countUsage('shopify.points', cost.actualQueryCost ?? 0);
      }
      const errors = envelope.errors ?? [];
      const codes = errors.map((e) => e.extensions?.code ?? 'UNKNOWN');
      if (codes.includes('THROTTLED')) {
        stats.throttledResponses += 1;
        if (stats.throttledResponses > this.#maxThrottled) {
          throw new ShopifyUnavailableError(`Still THROTTLED after ${this.#maxThrottled} waits`);
        }
        // Wait for the bucket to hold this query's requested cost, plus a little for rounding.
        expectedCost = Math.max(expectedCost, (cost?.requestedQueryCost ?? expectedCost) + 1);
        if (!cost) await this.#throttleWait(this.#backoffDelay(stats.throttledResponses), stats);
        continue;
      }
      if (codes.includes('ACCESS_DENIED')) throw new ShopifyAccessDeniedError(errors.map((e) => e.message));
      if (errors.length > 0)
        throw new ShopifyGraphqlError(
          codes,
          errors.map((e) => e.message),
        );

      const parsed = dataSchema.safeParse(envelope.data);
      if (!parsed.success) {
        const where = parsed.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
        throw new ShopifyResponseError(`Unexpected response shape: ${where.join('; ')}`);
      }
      return { data: parsed.data, cost: cost ? toCost(cost) : null, stats: { ...stats } };
    }
  }

  async #waitForBucket(expectedCost: number, stats: MutableStats): Promise<void> {
    const bucket = this.throttleStatus;
    if (!bucket || expectedCost <= 0) return;
    // Start only once the request can be paid with the reserve still left over (a request too big
    // for that waits for a full bucket).
    const target = Math.min(expectedCost + reserveOf(bucket), bucket.maximumAvailable);
    const needed = target - bucket.currentlyAvailable;
    if (needed <= 0) return;
    await this.#throttleWait(Math.ceil((needed / bucket.restoreRate) * 1000), stats);
  }

  async #throttleWait(ms: number, stats: MutableStats): Promise<void> {
    stats.throttleWaits += 1;
    stats.throttleWaitMs += ms;
    await this.#sleep(ms);
  }

  async #retryAfterOrGiveUp(
    failures: number,
    stats: MutableStats,
    retryAfter: string | null,
  ): Promise<number> {
    const attempt = failures + 1;
    if (attempt >= this.#maxAttempts)
      throw new ShopifyUnavailableError(`HTTP 429 persisted after ${attempt} attempts`);
    stats.retries += 1;
    const ms = Math.min(
      parseRetryAfter(retryAfter, this.#now()) ?? this.#backoffDelay(attempt),
      this.#maxRetryAfterMs,
    );
    await this.#throttleWait(ms, stats);
    return attempt;
  }

  async #backoffOrGiveUp(failures: number, stats: MutableStats, what: string): Promise<number> {
    const attempt = failures + 1;
    if (attempt >= this.#maxAttempts) {
      throw new ShopifyUnavailableError(`Shopify unavailable after ${attempt} attempts: ${what}`);
    }
    stats.retries += 1;
    await this.#sleep(this.#backoffDelay(attempt));
    return attempt;
  }

  /** Exponential backoff with full jitter: spreads retries of many workers hitting one outage. */
  #backoffDelay(attempt: number): number {
    return Math.floor(this.#random() * Math.min(this.#maxMs, this.#baseMs * 2 ** (attempt - 1)));
  }
}

type MutableStats = { -readonly [K in keyof GraphqlCallStats]: GraphqlCallStats[K] };

const toCost = (cost: {
  requestedQueryCost: number;
  actualQueryCost?: number | null | undefined;
  throttleStatus: ThrottleStatus;
}): GraphqlCost => ({
  requestedQueryCost: cost.requestedQueryCost,
  actualQueryCost: cost.actualQueryCost ?? null,
  throttleStatus: cost.throttleStatus,
});

/** Seconds or an HTTP date, per RFC 9110. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Names the failure without echoing request details (the token is in a header). */
const describeNetworkError = (error: unknown): string => {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'request timed out';
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `network error ${code}` : `network error (${error.name})`;
  }
  return 'network error';
};
