import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { postGraphQL } from './support.js';

const token = 'shpat_faults';
const query = '{ shop { name } }';
let simulator: ShopifySimulator;
let counter = 0;

const freshShop = () => {
  const shop = simulator.createShop({
    shopDomain: `faults-${(counter += 1)}.myshopify.com`,
    accessToken: token,
  });
  return { shop, url: simulator.adminUrl(shop.domain) };
};

const rawPost = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
    body: JSON.stringify({ query }),
  });

beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());

describe('fault injection', () => {
  it('answers 429 with Retry-After for the queued request only', async () => {
    const { shop, url } = freshShop();
    shop.setFaults({ queue: [{ kind: 'rateLimited', retryAfterSeconds: 3 }] });
    const limited = await postGraphQL(url, token, query);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3.0');
    expect((await postGraphQL(url, token, query)).status).toBe(200);
    expect(shop.requests().map((r) => r.httpStatus)).toEqual([429, 200]);
  });

  it('answers 500 as JSON and 502/503 as HTML pages', async () => {
    const { shop, url } = freshShop();
    shop.setFaults({
      queue: [
        { kind: 'serverError', status: 500 },
        { kind: 'serverError', status: 502 },
        { kind: 'serverError', status: 503 },
      ],
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await rawPost(url);
      statuses.push([response.status, response.headers.get('content-type')?.split(';')[0]]);
      await response.text();
    }
    expect(statuses).toEqual([
      [500, 'application/json'],
      [502, 'text/html'],
      [503, 'text/html'],
    ]);
  });

  it('delays a slow response and then answers normally', async () => {
    const { shop, url } = freshShop();
    shop.setFaults({ queue: [{ kind: 'slow', ms: 300 }] });
    const started = performance.now();
    const { status } = await postGraphQL(url, token, query);
    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('resets the connection so fetch rejects', async () => {
    const { shop, url } = freshShop();
    shop.setFaults({ queue: [{ kind: 'connectionReset' }] });
    await expect(rawPost(url)).rejects.toThrow(TypeError);
    expect((await postGraphQL(url, token, query)).status).toBe(200);
  });

  it('truncates the body: unparseable JSON, or a body read that fails when the length lied', async () => {
    const { shop, url } = freshShop();
    shop.setFaults({
      queue: [{ kind: 'truncatedBody' }, { kind: 'truncatedBody', declareFullLength: true }],
    });
    const cut = await rawPost(url);
    expect(cut.status).toBe(200);
    const text = await cut.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);

    const aborted = await rawPost(url);
    await expect(aborted.text()).rejects.toThrow();
  });

  it('draws random faults from a seed, reproducibly', async () => {
    const run = async () => {
      const { shop, url } = freshShop();
      shop.setFaults({
        random: { probability: 0.5, faults: [{ kind: 'serverError', status: 503 }], seed: 99 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const response = await rawPost(url);
        statuses.push(response.status);
        await response.text();
      }
      return statuses;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('is driven over the control API as well', async () => {
    const { shop, url } = freshShop();
    const set = await fetch(`${simulator.controlUrl}/shops/${shop.domain}/faults`, {
      method: 'PUT',
      body: JSON.stringify({ queue: [{ kind: 'serverError', status: 502 }] }),
    });
    expect(set.status).toBe(200);
    expect((await rawPost(url)).status).toBe(502);

    const invalid = await fetch(`${simulator.controlUrl}/shops/${shop.domain}/faults`, {
      method: 'PUT',
      body: JSON.stringify({ queue: [{ kind: 'serverError', status: 418 }] }),
    });
    expect(invalid.status).toBe(400);
  });
});
