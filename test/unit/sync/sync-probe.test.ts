import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import { probeStore } from '../../../lambdas/core/sync/sync-probe.js';
import { initialResourceProgress } from '../../../lambdas/core/sync/progress.js';
import { configuredResources, registeredResources } from '../../../lambdas/resources/registry.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { syncProbe } from '../../../lambdas/shopify/queries/sync-probe.js';
import { adminSchema } from '../../../local/shopify-simulator/schema.js';
import { startShopifySimulator, type ShopifySimulator } from '../../../local/shopify-simulator/index.js';

const schema = adminSchema(SHOPIFY_API_VERSION);

const sourcesOf = (definitions: typeof registeredResources) =>
  definitions.map((definition) => ({
    name: definition.name,
    pageDocument: definition.document,
    countDocument: definition.reconcile.countQuery,
  }));

const withMetafields = configuredResources({
  customers: ['custom'],
  orders: ['custom'],
  products: ['custom'],
});

describe('the sync probe document', () => {
  it.each([
    ['registered resources', registeredResources],
    ['resources with metafield namespaces', withMetafields],
  ])(
    'built from every %s, it is valid against the pinned schema and uses nothing deprecated',
    (_, definitions) => {
      const { document } = syncProbe(sourcesOf(definitions));
      const errors = validate(schema, parse(document), [...specifiedRules, NoDeprecatedCustomRule]);
      expect(errors.map((e) => e.message)).toEqual([]);
    },
  );

  it('probes every resource whose page filters its top-level listing, and only those (inventory levels filter a nested one)', () => {
    const { parts } = syncProbe(sourcesOf(registeredResources));
    expect(parts.map((part) => part.name)).toEqual([
      'customers',
      'orders',
      'products',
      'locations',
      'inventory-items',
      'collections',
    ]);
    expect(parts.every((part) => part.countAlias !== undefined)).toBe(true);
  });

  it("keeps the page's own arguments: a probe asks exactly what the first page asks", () => {
    const orders = registeredResources.find((definition) => definition.name === 'orders')!;
    const { document } = syncProbe(sourcesOf([orders]));
    expect(document).toMatch(/changed0: orders\(first: 1, query: \$query0, sortKey: UPDATED_AT\)/);
  });
});

describe('the sync probe against the simulator', () => {
  let simulator: ShopifySimulator;
  let client: ShopifyAdminClient;
  const shopDomain = 'probe.myshopify.com';
  beforeAll(async () => {
    simulator = await startShopifySimulator();
    simulator.createShop({
      shopDomain,
      accessToken: 'token',
      seedCustomers: 3,
      seedOrders: 2,
      seedProducts: 2,
    });
    client = new ShopifyAdminClient({
      shopDomain,
      accessToken: 'token',
      apiVersion: SHOPIFY_API_VERSION,
      urlTemplate: simulator.adminUrlTemplate,
    });
  });
  afterAll(() => simulator.stop());

  const candidatesFrom = (from: string) =>
    registeredResources.map((definition) => ({
      definition,
      progress: initialResourceProgress(from, definition.initialPageSize),
    }));

  it('costs what it declares (26 points for every registered resource)', async () => {
    const probe = syncProbe(sourcesOf(registeredResources));
    const variables = Object.fromEntries(probe.parts.map((part) => [part.queryVariable, null]));
    const result = await client.query(probe.document, variables, z.unknown());
    expect(result.cost?.requestedQueryCost).toBe(probe.expectedCost);
  });

  it("finds unchanged exactly the resources whose first page is empty, with the store's counts", async () => {
    const shop = simulator.shop(shopDomain);
    const customer = shop.resources.customers.list()[0]!;
    const updated = shop.resources.customers.update(customer.id, { note: 'changed' });
    // The filter is the page's: `>=` the watermark, so a record updated at that very instant is a change.
    const answer = await probeStore(client, candidatesFrom(new Date(updated.updatedAt).toISOString()));
    expect(answer.unchanged).not.toContain('customers');
    expect(answer.unchanged).toEqual(expect.arrayContaining(['orders', 'products']));
    for (const name of ['customers', 'orders', 'products']) {
      const definition = registeredResources.find((d) => d.name === name)!;
      const page = await client.query(
        definition.document,
        { first: 1, after: null, query: definition.updatedSince(new Date(updated.updatedAt).toISOString()) },
        z.object({ [definition.connectionField]: z.object({ nodes: z.array(z.unknown()) }) }),
      );
      const nodes = (page.data[definition.connectionField] as { nodes: unknown[] }).nodes;
      expect(answer.unchanged.includes(name)).toBe(nodes.length === 0);
    }
    expect(answer.counts).toEqual(expect.objectContaining({ orders: 2, products: 2 }));
    expect(answer.counts.customers).toBeUndefined();
    expect(answer.grantedScopes).toEqual(expect.arrayContaining(['read_customers']));
  });
});
