import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJsonl, validateBulkQuery } from '../../../local/shopify-simulator/bulk-operations.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { adminSchema } from '../../../local/shopify-simulator/schema.js';
import { postGraphQL, startWebhookReceiver } from './support.js';

let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());

let shopCount = 0;
const newShop = (customers = 30) => {
  const domain = `bulk-${++shopCount}.myshopify.com`;
  const shop = simulator.createShop({ shopDomain: domain, accessToken: 'tok', seedCustomers: customers });
  const gql = (query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(simulator.adminUrl(domain), 'tok', query, variables);
  return { shop, gql, domain };
};

const runQuery = /* GraphQL */ `
  mutation Run($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
const pollQuery = /* GraphQL */ `
  query Poll($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      url
      partialDataUrl
      createdAt
      completedAt
    }
  }
`;
const idsQuery = '{ customers { edges { node { id updatedAt } } } }';

/** Polls until the operation leaves CREATED/RUNNING; returns every status seen. */
const pollToEnd = async (gql: ReturnType<typeof newShop>['gql'], id: string) => {
  const statuses: string[] = [];
  for (;;) {
    const operation = (await gql(pollQuery, { id })).body.data.bulkOperation;
    statuses.push(operation.status);
    if (operation.status !== 'CREATED' && operation.status !== 'RUNNING') return { operation, statuses };
  }
};
const lines = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, lines: (await response.text()).split('\n').filter(Boolean) };
};

describe('simulator bulk operations', () => {
  it('runs a query over the whole store, is polled to COMPLETED, and serves JSONL, one node a line', async () => {
    const { shop, gql } = newShop(700);
    shop.maxPaginatedObjects = 100; // bulk operations are not paginated listings
    const started = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation.status).toBe('CREATED');

    const { operation, statuses } = await pollToEnd(gql, started.bulkOperation.id);

    expect(statuses).toEqual(['RUNNING', 'COMPLETED']);
    expect(operation).toMatchObject({ objectCount: '700', rootObjectCount: '700', errorCode: null });
    const file = await lines(operation.url);
    expect(file.status).toBe(200);
    expect(file.lines.map((l) => JSON.parse(l).id).sort()).toEqual(
      shop.resources.customers
        .list()
        .map((c) => `gid://shopify/Customer/${c.id}`)
        .sort(),
    );
    const listed = (await gql('{ bulkOperations(first: 5) { nodes { id status } } }')).body.data;
    expect(listed.bulkOperations.nodes).toEqual([{ id: operation.id, status: 'COMPLETED' }]);
  });

  it('answers url null for a query that matched nothing', async () => {
    const { gql } = newShop(0);
    const query = '{ webhookSubscriptions { edges { node { id topic } } } }';
    const result = (await gql(runQuery, { query })).body.data.bulkOperationRunQuery;
    const { operation } = await pollToEnd(gql, result.bulkOperation.id);
    expect(operation).toMatchObject({ status: 'COMPLETED', objectCount: '0', url: null });
  });

  it('writes nested connection nodes on their own lines with __parentId, after their parent', () => {
    const { lines: jsonl } = toJsonl({
      customers: {
        edges: [
          {
            node: {
              id: 'gid://shopify/Customer/1',
              name: 'a',
              orders: { nodes: [{ id: 'o1' }, { id: 'o2' }] },
            },
          },
          { node: { id: 'gid://shopify/Customer/2', name: 'b', orders: { nodes: [] } } },
        ],
      },
    });
    expect(jsonl.map((l) => JSON.parse(l))).toEqual([
      { id: 'gid://shopify/Customer/1', name: 'a' },
      { id: 'o1', __parentId: 'gid://shopify/Customer/1' },
      { id: 'o2', __parentId: 'gid://shopify/Customer/1' },
      { id: 'gid://shopify/Customer/2', name: 'b' },
    ]);
  });

  it('without groupObjects lists every top-level node first and the children after them', () => {
    const data = {
      orders: {
        nodes: [
          { id: 'gid://shopify/Order/1', lineItems: { nodes: [{ id: 'l1' }] } },
          { id: 'gid://shopify/Order/2', lineItems: { nodes: [{ id: 'l2' }] } },
        ],
      },
    };
    expect(toJsonl(data, { grouped: false }).lines.map((l) => JSON.parse(l))).toEqual([
      { id: 'gid://shopify/Order/1' },
      { id: 'gid://shopify/Order/2' },
      { id: 'l1', __parentId: 'gid://shopify/Order/1' },
      { id: 'l2', __parentId: 'gid://shopify/Order/2' },
    ]);
  });

  it.each([
    [
      '{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }',
      /nesting depth greater than 2/,
    ],
    ['{ customers { edges { node { orders { edges { node { id } } } } } } }', /must select the id field/],
  ])('enforces the nesting rules: %s', (query, message) => {
    expect(() => validateBulkQuery(adminSchema(SHOPIFY_API_VERSION), query)).toThrow(message);
  });

  it.each([
    ['{ shop { name } }', /at least one connection/],
    ['query Q($n: Int) { customers(first: $n) { edges { node { id } } } }', /variables/],
    ['mutation { bulkOperationCancel(id: "x") { userErrors { message } } }', /one query operation/],
    ['{ customers { edges { node { nope } } } }', /Invalid bulk query/],
  ])('refuses %s with a userError', async (query, message) => {
    const { gql } = newShop(1);
    const result = (await gql(runQuery, { query })).body.data.bulkOperationRunQuery;
    expect(result.bulkOperation).toBeNull();
    expect(result.userErrors).toEqual([
      { field: ['query'], message: expect.stringMatching(message), code: 'INVALID' },
    ]);
  });

  it('answers OPERATION_IN_PROGRESS while another bulk query runs', async () => {
    const { gql } = newShop(5);
    const first = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
    const second = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
    expect(second.bulkOperation).toBeNull();
    expect(second.userErrors[0]).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    await pollToEnd(gql, first.bulkOperation.id);
    const third = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
    expect(third.userErrors).toEqual([]);
  });

  it('injects FAILED, partial data, CANCELED, EXPIRED and an expired URL, in order', async () => {
    const { shop, gql } = newShop(40);
    shop.configureBulk({
      outcomes: [
        { kind: 'failed' },
        { kind: 'partial', lines: 10 },
        { kind: 'canceled' },
        { kind: 'expired' },
        { kind: 'urlExpired' },
      ],
    });
    const results = [];
    for (let n = 0; n < 5; n++) {
      const started = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
      results.push((await pollToEnd(gql, started.bulkOperation.id)).operation);
    }
    expect(results.map((r) => [r.status, r.errorCode])).toEqual([
      ['FAILED', 'INTERNAL_SERVER_ERROR'],
      ['FAILED', 'TIMEOUT'],
      ['CANCELED', null],
      ['EXPIRED', null],
      ['COMPLETED', null],
    ]);
    expect((await lines(results[1].partialDataUrl)).lines).toHaveLength(10);
    expect((await lines(results[4].url)).status).toBe(403);
  });

  it('sends BULK_OPERATIONS_FINISH to a subscribed endpoint when an operation finishes', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const { shop, gql } = newShop(3);
      shop.addWebhookSubscription('BULK_OPERATIONS_FINISH', receiver.url, 'JSON', SHOPIFY_API_VERSION);
      const started = (await gql(runQuery, { query: idsQuery })).body.data.bulkOperationRunQuery;
      await pollToEnd(gql, started.bulkOperation.id);
      await shop.flushDeliveries();
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.headers['x-shopify-topic']).toBe('bulk_operations/finish');
      expect(JSON.parse(receiver.received[0]!.rawBody.toString())).toMatchObject({
        admin_graphql_api_id: started.bulkOperation.id,
        status: 'completed',
        type: 'query',
      });
    } finally {
      await receiver.stop();
    }
  });
});
