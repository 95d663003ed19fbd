import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { customersPageQuery, postGraphQL } from './support.js';

const shopDomain = 'graphql-api.myshopify.com';
const token = 'shpat_graphql_api';
let simulator: ShopifySimulator;
let url: string;

interface CustomerNode {
  id: string;
  legacyResourceId: string;
  updatedAt: string;
  createdAt: string;
}

const gql = (query: string, variables: Record<string, unknown> = {}) =>
  postGraphQL(url, token, query, variables);

async function walk(variables: Record<string, unknown>): Promise<CustomerNode[]> {
  const seen: CustomerNode[] = [];
  let after: string | null = null;
  for (;;) {
    const { body } = await gql(customersPageQuery, { first: 7, ...variables, after });
    expect(body.errors).toBeUndefined();
    seen.push(...(body.data.customers.nodes as CustomerNode[]));
    if (!body.data.customers.pageInfo.hasNextPage) return seen;
    after = body.data.customers.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  simulator = await startShopifySimulator();
  simulator.createShop({ shopDomain, accessToken: token, seedCustomers: 60, seed: 7 });
  url = simulator.adminUrl(shopDomain);
});
afterAll(() => simulator.stop());

describe('customers connection', () => {
  it('walks every page by id with no customer missed or repeated', async () => {
    const nodes = await walk({});
    const expected = simulator
      .shop(shopDomain)
      .resources.customers.list()
      .map((c) => c.id);
    expect(nodes.map((n) => n.legacyResourceId)).toEqual(expected);
    expect(nodes.map((n) => n.id)).toEqual(expected.map((id) => `gid://shopify/Customer/${id}`));
  });

  it('filters on updated_at with quoted ISO dates, >=, >, < and AND', async () => {
    const customers = simulator.shop(shopDomain).resources.customers.list();
    const times = customers.map((c) => c.updatedAt).sort((a, b) => a - b);
    const from = times[20] as number;
    const to = times[45] as number;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
    const ids = (nodes: CustomerNode[]) => nodes.map((n) => n.legacyResourceId).sort();
    const expectIds = (keep: (updatedAt: number) => boolean) =>
      customers
        .filter((c) => keep(c.updatedAt))
        .map((c) => c.id)
        .sort();

    expect(ids(await walk({ query: `updated_at:>='${iso(from)}'` }))).toEqual(expectIds((t) => t >= from));
    expect(ids(await walk({ query: `updated_at:>"${iso(from)}"` }))).toEqual(expectIds((t) => t > from));
    expect(ids(await walk({ query: `updated_at:>='${iso(from)}' AND updated_at:<'${iso(to)}'` }))).toEqual(
      expectIds((t) => t >= from && t < to),
    );
    expect(ids(await walk({ query: `updated_at:>=${iso(from)} updated_at:<=${iso(to)}` }))).toEqual(
      expectIds((t) => t >= from && t <= to),
    );
  });

  it('sorts by UPDATED_AT and CREATED_AT, ties broken by id, and reverses', async () => {
    const key = (n: CustomerNode, field: 'updatedAt' | 'createdAt') =>
      [Date.parse(n[field]), BigInt(n.legacyResourceId)] as const;
    const ascending = (a: readonly [number, bigint], b: readonly [number, bigint]) =>
      a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

    const byUpdated = await walk({ sortKey: 'UPDATED_AT' });
    expect(byUpdated).toHaveLength(60);
    byUpdated
      .slice(1)
      .forEach((node, i) =>
        expect(ascending(key(byUpdated[i]!, 'updatedAt'), key(node, 'updatedAt'))).toBe(true),
      );

    const byCreatedReversed = await walk({ sortKey: 'CREATED_AT', reverse: true });
    byCreatedReversed
      .slice(1)
      .forEach((node, i) =>
        expect(ascending(key(node, 'createdAt'), key(byCreatedReversed[i]!, 'createdAt'))).toBe(true),
      );
  });

  it('answers edges with cursors and a full pageInfo', async () => {
    const first = await gql(
      `{ customers(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    const { edges, pageInfo } = first.body.data.customers;
    expect(edges).toHaveLength(2);
    expect(pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: edges[0].cursor,
      endCursor: edges[1].cursor,
    });
    const second = await gql(
      `query($after: String) { customers(first: 2, after: $after) { pageInfo { hasPreviousPage } } }`,
      {
        after: pageInfo.endCursor,
      },
    );
    expect(second.body.data.customers.pageInfo.hasPreviousPage).toBe(true);
  });

  it('refuses a page larger than 250', async () => {
    const { status, body } = await gql(`{ customers(first: 251) { nodes { id } } }`);
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors[0].message).toMatch(/first argument must be between 0 and 250/);
    expect(body.errors[0].path).toEqual(['customers']);
  });
});

describe('single customer, count and shop', () => {
  it('returns a customer by gid with its 64-bit id exact in the raw JSON', async () => {
    const customer = simulator.shop(shopDomain).resources.customers.list()[3]!;
    const { text, body } = await gql(
      `query($id: ID!) { customer(id: $id) { id legacyResourceId numberOfOrders } }`,
      {
        id: `gid://shopify/Customer/${customer.id}`,
      },
    );
    expect(BigInt(customer.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(text).toContain(`"legacyResourceId":"${customer.id}"`);
    expect(body.data.customer.id).toBe(`gid://shopify/Customer/${customer.id}`);
  });

  it('counts customers, reporting AT_LEAST above the limit', async () => {
    const { body } = await gql(
      `{ all: customersCount { count precision } capped: customersCount(limit: 10) { count precision } shop { myshopifyDomain currencyCode } }`,
    );
    expect(body.data).toEqual({
      all: { count: 60, precision: 'EXACT' },
      capped: { count: 10, precision: 'AT_LEAST' },
      shop: { myshopifyDomain: shopDomain, currencyCode: 'USD' },
    });
  });
});

describe('authentication and routing', () => {
  const invalidToken = {
    errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
  };

  it('answers 401 with Shopify’s body for a wrong or missing token', async () => {
    for (const wrong of ['shpat_wrong', undefined]) {
      const { status, body } = await postGraphQL(url, wrong, '{ shop { name } }');
      expect(status).toBe(401);
      expect(body).toEqual(invalidToken);
    }
  });

  it('answers 404 for an unknown shop or an unsupported API version', async () => {
    expect(
      (await postGraphQL(simulator.adminUrl('nope.myshopify.com'), token, '{ shop { name } }')).status,
    ).toBe(404);
    expect(
      (await postGraphQL(simulator.adminUrl(shopDomain, '2019-04'), token, '{ shop { name } }')).status,
    ).toBe(404);
  });

  it('follows a rotated access token', async () => {
    const shop = simulator.createShop({ shopDomain: 'rotate.myshopify.com', accessToken: 'old' });
    shop.setAccessToken('new');
    const target = simulator.adminUrl('rotate.myshopify.com');
    expect((await postGraphQL(target, 'old', '{ shop { name } }')).status).toBe(401);
    expect((await postGraphQL(target, 'new', '{ shop { name } }')).status).toBe(200);
  });
});

describe('validation against the 2026-10 schema', () => {
  it('rejects an unknown field with Shopify-shaped errors', async () => {
    const { status, body } = await gql(
      `query Probe { customers(first: 1) { nodes { id favouriteColour } } }`,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'favouriteColour' doesn't exist on type 'Customer'",
        locations: [{ line: 1, column: 48 }],
        path: ['query Probe', 'customers', 'nodes', 'favouriteColour'],
        extensions: { code: 'undefinedField', typeName: 'Customer', fieldName: 'favouriteColour' },
      },
    ]);
    expect(body.extensions.cost.throttleStatus.maximumAvailable).toBe(2000);
  });

  it('rejects an unknown argument', async () => {
    const { body } = await gql(`{ customers(first: 1, since: "x") { nodes { id } } }`);
    expect(body.errors[0].extensions).toMatchObject({ code: 'argumentNotAccepted', argumentName: 'since' });
  });

  it('records deprecated fields per shop, and nothing for a current query', async () => {
    const clean = simulator.createShop({
      shopDomain: 'clean.myshopify.com',
      accessToken: 'c',
      seedCustomers: 2,
    });
    const dirty = simulator.createShop({
      shopDomain: 'dirty.myshopify.com',
      accessToken: 'd',
      seedCustomers: 2,
    });
    await postGraphQL(simulator.adminUrl(clean.domain), 'c', customersPageQuery, { first: 5 });
    await postGraphQL(
      simulator.adminUrl(dirty.domain),
      'd',
      `{ customers(first: 5) { nodes { id email phone } } }`,
    );
    expect(clean.deprecationsUsed()).toEqual([]);
    expect(dirty.deprecationsUsed()).toEqual(['Customer.email', 'Customer.phone']);
  });
});

describe('control API', () => {
  it('creates and lists customers over HTTP, refusing invalid input with 400', async () => {
    const base = `${simulator.controlUrl}/shops/${shopDomain}/customers`;
    const created = await fetch(base, {
      method: 'POST',
      body: JSON.stringify({ firstName: 'Ada', email: 'ada@example.com', phone: '+442071234567' }),
    });
    expect(created.status).toBe(200);
    const customer = (await created.json()) as { id: string };
    const listed = (await (await fetch(base)).json()) as { id: string }[];
    expect(listed.map((c) => c.id)).toContain(customer.id);

    const invalid = await fetch(base, { method: 'POST', body: JSON.stringify({ phone: '0207 123' }) });
    expect(invalid.status).toBe(400);
    expect(simulator.shop(shopDomain).resources.customers.list()).toHaveLength(listed.length);
  });
});
