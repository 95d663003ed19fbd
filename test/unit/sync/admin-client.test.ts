import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import {
  ShopifyAuthError,
  ShopifyGraphqlError,
  ShopifyResponseError,
  ShopifyShopUnavailableError,
  ShopifyUnavailableError,
} from '../../../lambdas/adapters/shopify/errors.js';

const TOKEN = 'shpat_secret_token_value';
const dataSchema = z.object({ shop: z.object({ name: z.string() }) });

const cost = (requested: number, available: number, restoreRate = 50, maximum = 2000) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: requested,
    throttleStatus: { maximumAvailable: maximum, currentlyAvailable: available, restoreRate },
  },
});
const ok = (extensions = cost(10, 1990)) => Response.json({ data: { shop: { name: 'Demo' } }, extensions });
const throttled = (requested: number, available: number) =>
  Response.json({
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
    extensions: { cost: { ...cost(requested, available).cost, actualQueryCost: null } },
  });

type Step = Response | Error | ((init: RequestInit) => Promise<Response>);

/** A scripted Shopify: answers each call with the next step and records what it was sent. */
function scriptedShopify(steps: Step[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: url instanceof Request ? url.url : url.toString(), init: init ?? {} });
    const step = steps.shift();
    if (!step) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(init ?? {});
    return step;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function clientFor(
  steps: Step[],
  overrides: Partial<ConstructorParameters<typeof ShopifyAdminClient>[0]> = {},
) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const shopify = scriptedShopify(steps);
  const client = new ShopifyAdminClient({
    shopDomain: 'demo.myshopify.com',
    accessToken: TOKEN,
    apiVersion: SHOPIFY_API_VERSION,
    urlTemplate: 'http://127.0.0.1:9/{shop}/admin/api/{version}/graphql.json',
    fetch: shopify.fetch,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps, calls: shopify.calls, advance: (ms: number) => (now += ms) };
}

describe('ShopifyAdminClient', () => {
  it('posts the document to the templated URL with the token only in the header', async () => {
    const { client, calls } = clientFor([ok()]);
    const result = await client.query('{ shop { name } }', { a: 1 }, dataSchema);
    expect(result.data).toEqual({ shop: { name: 'Demo' } });
    expect(calls[0]!.url).toBe(
      `http://127.0.0.1:9/demo.myshopify.com/admin/api/${SHOPIFY_API_VERSION}/graphql.json`,
    );
    expect((calls[0]!.init.headers as Record<string, string>)['x-shopify-access-token']).toBe(TOKEN);
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      query: '{ shop { name } }',
      variables: { a: 1 },
    });
    expect(result.stats.costUsed).toBe(10);
  });

  it('waits only as long as the bucket needs to hold the next request and the reserve', async () => {
    // 100 points left of 2000, refilling at 50/s: a 400-point request waits for 400 + the 200-point
    // reserve (10 %), (600 - 100) / 50 = 10 s.
    const { client, sleeps } = clientFor([ok(cost(10, 100)), ok(cost(400, 200))]);
    await client.query('q', {}, dataSchema);
    const second = await client.query('q', {}, dataSchema, { expectedCost: 400 });
    expect(sleeps).toEqual([10_000]);
    expect(second.stats).toMatchObject({ throttleWaits: 1, throttleWaitMs: 10_000, throttledResponses: 0 });
  });

  it('estimates the bucket available now: none before a response, then refilled, capped, with the reserve and a margin held back', async () => {
    const { client, advance } = clientFor([ok(cost(10, 100, 50, 400))]);
    expect(client.availableNow()).toBeUndefined();
    await client.query('q', {}, dataSchema);
    // 100 reported of 400, 50/s restore: the 40-point reserve (10 %) and 2.5 points of margin
    // (50 ms of restore) held back.
    expect(client.availableNow()).toEqual({ available: 57, maximum: 400 });
    advance(2000); // + 100
    expect(client.availableNow()).toEqual({ available: 157, maximum: 400 });
    advance(60_000); // far past full: never more than the bucket holds, less the reserve
    expect(client.availableNow()).toEqual({ available: 357, maximum: 400 });
  });

  it('reports nothing available while the bucket is at or under the reserve', async () => {
    const { client } = clientFor([ok(cost(10, 30, 50, 400))]);
    await client.query('q', {}, dataSchema);
    expect(client.availableNow()).toEqual({ available: 0, maximum: 400 });
  });

  it('does not wait when the bucket has refilled in the meantime', async () => {
    const { client, sleeps, advance } = clientFor([ok(cost(10, 100)), ok()]);
    await client.query('q', {}, dataSchema);
    advance(10_000); // 100 + 10 s × 50/s = 600 ≥ 400 + the 200-point reserve
    await client.query('q', {}, dataSchema, { expectedCost: 400 });
    expect(sleeps).toEqual([]);
  });

  it('scales to a large bucket: a 1000-point request on an empty 1000/s shop waits for it and the reserve', async () => {
    // (1000 + the 2000-point reserve of a 20,000 bucket) / 1000/s = 3 s.
    const { client, sleeps } = clientFor([ok(cost(10, 0, 1000, 20_000)), ok()]);
    await client.query('q', {}, dataSchema);
    await client.query('q', {}, dataSchema, { expectedCost: 1000 });
    expect(sleeps).toEqual([3000]);
  });

  it('a request larger than the bucket less the reserve waits for a full bucket, not forever', async () => {
    // 1900 + 200 > 2000: wait for the full 2000, (2000 - 100) / 50 = 38 s.
    const { client, sleeps } = clientFor([ok(cost(10, 100)), ok()]);
    await client.query('q', {}, dataSchema);
    await client.query('q', {}, dataSchema, { expectedCost: 1900 });
    expect(sleeps).toEqual([38_000]);
  });

  it('on THROTTLED waits for the refill of the requested cost and retries', async () => {
    const { client, sleeps, calls } = clientFor([throttled(500, 300), ok()]);
    const result = await client.query('q', {}, dataSchema);
    expect(calls).toHaveLength(2);
    // The requested 500 (+1 for rounding) and the 200-point reserve, from 300 at 50/s.
    expect(sleeps).toEqual([Math.ceil(((501 + 200 - 300) / 50) * 1000)]);
    expect(result.stats).toMatchObject({ throttledResponses: 1, throttleWaits: 1 });
  });

  it('honours Retry-After on 429', async () => {
    const { client, sleeps } = clientFor([
      new Response('slow down', { status: 429, headers: { 'retry-after': '2' } }),
      ok(),
    ]);
    const result = await client.query('q', {}, dataSchema);
    expect(sleeps).toEqual([2000]);
    expect(result.stats).toMatchObject({ retries: 1, throttleWaits: 1, throttleWaitMs: 2000 });
  });

  it('retries 5xx, connection resets and truncated bodies with jittered exponential backoff', async () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const { client, sleeps } = clientFor([
      new Response('oops', { status: 502 }),
      reset,
      new Response('{"data": {"shop": {"na', { status: 200 }),
      ok(),
    ]);
    const result = await client.query('q', {}, dataSchema);
    expect(result.data.shop.name).toBe('Demo');
    // random() = 0.5 → half of 500, 1000, 2000 ms.
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(result.stats.retries).toBe(3);
  });

  it('gives up after the bounded number of attempts with a typed error', async () => {
    const { client, calls } = clientFor(
      Array.from({ length: 10 }, () => new Response('down', { status: 503 })),
      { maxAttempts: 3 },
    );
    await expect(client.query('q', {}, dataSchema)).rejects.toBeInstanceOf(ShopifyUnavailableError);
    expect(calls).toHaveLength(3);
  });

  it('times out a hung request and retries it', async () => {
    const hang = (init: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    const { client, calls } = clientFor([hang, ok()], { requestTimeoutMs: 20 });
    const result = await client.query('q', {}, dataSchema);
    expect(calls).toHaveLength(2);
    expect(result.stats.retries).toBe(1);
  });

  it.each([401, 403])(
    'turns HTTP %i into a permanent ShopifyAuthError without retrying or leaking the token',
    async (status) => {
      const { client, calls } = clientFor([new Response('nope', { status }), ok()]);
      const error = await client.query('q', {}, dataSchema).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ShopifyAuthError);
      expect(calls).toHaveLength(1);
      expect(
        JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack }),
      ).not.toContain(TOKEN);
    },
  );

  it('treats a frozen or closed shop as needing attention', async () => {
    const { client } = clientFor([new Response('', { status: 402 })]);
    await expect(client.query('q', {}, dataSchema)).rejects.toBeInstanceOf(ShopifyShopUnavailableError);
  });

  it('surfaces other GraphQL errors as a typed error', async () => {
    const { client } = clientFor([
      Response.json({
        errors: [{ message: 'Field does not exist', extensions: { code: 'undefinedField' } }],
      }),
    ]);
    const error = await client.query('q', {}, dataSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyGraphqlError);
    expect((error as ShopifyGraphqlError).codes).toEqual(['undefinedField']);
  });

  it('rejects data of an unexpected shape', async () => {
    const { client } = clientFor([Response.json({ data: { shop: { name: 42 } } })]);
    await expect(client.query('q', {}, dataSchema)).rejects.toBeInstanceOf(ShopifyResponseError);
  });
});

/**
 * One store's leaky bucket shared by every client of that store, on a shared fake clock: each
 * query's cost is its `cost` variable; a query the bucket cannot pay now is answered THROTTLED, in
 * Shopify's shape (HTTP 200).
 */
function sharedStoreBucket(maximum: number, restoreRate: number) {
  let now = 1_000_000;
  let level = maximum;
  let levelAt = now;
  const answered: { cost: number; throttled: boolean }[] = [];
  const refill = () => {
    level = Math.min(maximum, level + (restoreRate * (now - levelAt)) / 1000);
    levelAt = now;
  };
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const { variables } = JSON.parse(init!.body as string) as { variables: { cost: number } };
    refill();
    const throttled = level < variables.cost;
    if (!throttled) level -= variables.cost;
    answered.push({ cost: variables.cost, throttled });
    const extensions = {
      cost: {
        requestedQueryCost: variables.cost,
        actualQueryCost: throttled ? null : variables.cost,
        throttleStatus: { maximumAvailable: maximum, currentlyAvailable: level, restoreRate },
      },
    };
    return throttled
      ? Response.json({ errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions })
      : Response.json({ data: { shop: { name: 'Demo' } }, extensions });
  }) as typeof globalThis.fetch;
  const client = () =>
    new ShopifyAdminClient({
      shopDomain: 'demo.myshopify.com',
      accessToken: TOKEN,
      apiVersion: SHOPIFY_API_VERSION,
      urlTemplate: 'http://127.0.0.1:9/{shop}/admin/api/{version}/graphql.json',
      fetch,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      random: () => 0.5,
    });
  return {
    client,
    answered,
    level: () => {
      refill();
      return level;
    },
  };
}

describe('ShopifyAdminClient sharing a store with other consumers', () => {
  it('a sync that sizes every page to what is affordable leaves the reserve, so another client is answered without THROTTLED', async () => {
    const store = sharedStoreBucket(1000, 50);
    const sync = store.client();
    // The sync pages as the engine does: each page sized to what the bucket can pay for now.
    await sync.query('q', { cost: 10 }, dataSchema, { expectedCost: 10 });
    for (let page = 0; page < 5; page += 1) {
      const affordable = Math.max(1, sync.availableNow()!.available);
      await sync.query('q', { cost: affordable }, dataSchema, { expectedCost: affordable });
    }
    // Drained to the 100-point reserve (10 % of 1000), not below it and not far above it.
    expect(store.level()).toBeGreaterThanOrEqual(100);
    expect(store.level()).toBeLessThan(110);
    expect(sync.availableNow()!.available).toBeLessThanOrEqual(10);

    // The health check arrives with no bucket state of its own, at once.
    const healthCheck = store.client();
    const result = await healthCheck.query('q', { cost: 50 }, dataSchema, { expectedCost: 50 });
    expect(result.data).toEqual({ shop: { name: 'Demo' } });
    expect(result.stats).toMatchObject({ throttledResponses: 0, throttleWaits: 0 });

    // And the sync's next page waits for the restore instead of racing the other client.
    await sync.query('q', { cost: 300 }, dataSchema, { expectedCost: 300 });
    expect(store.answered.filter((a) => a.throttled)).toEqual([]);
  });
});
