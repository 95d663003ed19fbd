import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  type ShopifySimulator,
  startShopifySimulator,
} from '../../../local/shopify-simulator/index.js';
import { customersPageQuery, postGraphQL } from './support.js';

const clock = new ManualClock();
let simulator: ShopifySimulator;

/** 2 + 10 × (customer 1 + defaultAddress 1) = 22 requested. */
const tenWithAddresses = `{ customers(first: 10) { nodes { id firstName defaultAddress { city } } } }`;

function shopWithFourCustomers(domain: string, plan?: { restoreRate: number; maximumAvailable: number }) {
  const shop = simulator.createShop({ shopDomain: domain, accessToken: 'token', ...(plan ? { plan } : {}) });
  shop.resources.customers.create({ firstName: 'A', defaultAddress: { city: 'Ottawa', countryCode: 'CA' } });
  shop.resources.customers.create({ firstName: 'B', defaultAddress: { city: 'Berlin', countryCode: 'DE' } });
  shop.resources.customers.create({ firstName: 'C', defaultAddress: { city: 'Austin', countryCode: 'US' } });
  shop.resources.customers.create({ firstName: 'D' });
  return { shop, url: simulator.adminUrl(domain) };
}

beforeAll(async () => {
  simulator = await startShopifySimulator({ clock });
});
afterAll(() => simulator.stop());

describe('calculated query cost', () => {
  it('charges the requested cost up front and refunds down to the actual cost', async () => {
    const { shop, url } = shopWithFourCustomers('cost.myshopify.com');
    const { body } = await postGraphQL(url, 'token', tenWithAddresses);
    // Actual: 2 + 4 customers + 3 addresses (one customer has none).
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 22,
      actualQueryCost: 9,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1991, restoreRate: 100 },
    });
    expect(shop.requests().at(-1)).toMatchObject({
      requestedQueryCost: 22,
      actualQueryCost: 9,
      httpStatus: 200,
    });
  });

  it('prices a mutation at 10', async () => {
    const { url } = shopWithFourCustomers('mutation-cost.myshopify.com');
    const { body } = await postGraphQL(
      url,
      'token',
      `mutation { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { uri: "https://example.com/hook" }) { userErrors { message } webhookSubscription { id } } }`,
    );
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it('rejects a query above 1000 points with MAX_COST_EXCEEDED and charges nothing', async () => {
    const { url } = shopWithFourCustomers('max-cost.myshopify.com');
    // 2 + 250 × (1 + 3 objects) = 1002.
    const { status, body } = await postGraphQL(
      url,
      'token',
      `{ customers(first: 250) { nodes { id defaultAddress { city } defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } } }`,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toMatch(
      /^Query cost is 1002, which exceeds the single query max cost limit \(1000\)/,
    );
    expect(body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 1002, maxCost: 1000 });
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 1002, actualQueryCost: null });
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000);
  });
});

describe('leaky bucket', () => {
  it('throttles in Shopify’s shape once the bucket runs low, and restores at restoreRate', async () => {
    const { url } = shopWithFourCustomers('throttle.myshopify.com', {
      restoreRate: 10,
      maximumAvailable: 50,
    });
    const available: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { body } = await postGraphQL(url, 'token', tenWithAddresses);
      expect(body.errors).toBeUndefined();
      available.push(body.extensions.cost.throttleStatus.currentlyAvailable);
    }
    expect(available).toEqual([41, 32, 23, 14]);

    const throttled = await postGraphQL(url, 'token', tenWithAddresses);
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [
        {
          message: 'Throttled',
          extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
        },
      ],
      extensions: {
        cost: {
          requestedQueryCost: 22,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 50, currentlyAvailable: 14, restoreRate: 10 },
        },
      },
    });

    clock.advance(800); // 14 + 8 = 22: exactly enough.
    const restored = await postGraphQL(url, 'token', tenWithAddresses);
    expect(restored.body.errors).toBeUndefined();
    expect(restored.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(13);

    clock.advance(60_000); // never above the bucket size
    const full = await postGraphQL(url, 'token', '{ shop { name } }');
    expect(full.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(49);
  });
});

describe('pagination limit', () => {
  it('stops a query at the (lowered) object limit with an error, while a narrower query reads on', async () => {
    const shop = simulator.createShop({
      shopDomain: 'cap.myshopify.com',
      accessToken: 'token',
      seedCustomers: 12,
      maxPaginatedObjects: 5,
    });
    const url = simulator.adminUrl(shop.domain);
    const pages: { ids: string[]; hasNextPage: boolean; endCursor: string }[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const { body } = await postGraphQL(url, 'token', customersPageQuery, { first: 2, after });
      const { nodes, pageInfo } = body.data.customers;
      pages.push({ ids: nodes.map((n: { legacyResourceId: string }) => n.legacyResourceId), ...pageInfo });
      after = pageInfo.endCursor;
    }
    expect(pages.map((p) => p.ids.length)).toEqual([2, 2, 1]);
    expect(pages[2]!.hasNextPage).toBe(true);

    const beyond = await postGraphQL(url, 'token', customersPageQuery, { first: 2, after });
    expect(beyond.body.data).toBeNull();
    expect(beyond.body.errors[0].extensions.code).toBe('PAGINATION_LIMIT_EXCEEDED');

    const fifth = shop.resources.customers.list()[4]!.id;
    const narrower = await postGraphQL(url, 'token', customersPageQuery, {
      first: 10,
      query: `id:>${fifth}`,
    });
    expect(
      narrower.body.data.customers.nodes.map((n: { legacyResourceId: string }) => n.legacyResourceId),
    ).toEqual(
      shop.resources.customers
        .list()
        .slice(5, 10)
        .map((c) => c.id),
    );
  });
});
