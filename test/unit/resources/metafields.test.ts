import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidConfigError, parseConfig } from '../../../lib/config.js';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import {
  planSubscriptionRepair,
  webhookTopicsFor,
} from '../../../lambdas/core/integrations/webhook-subscriptions.js';
import { typedMetafieldValue } from '../../../lambdas/resources/kit/metafields.js';
import { requestedCostOf } from '../../../lambdas/resources/kit/query-cost.js';
import {
  configuredResources,
  definitionOf,
  registeredResources,
} from '../../../lambdas/resources/registry.js';
import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { startShopifySimulator, type ShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { adminSchema } from '../../../local/shopify-simulator/schema.js';

const schema = adminSchema(SHOPIFY_API_VERSION);
const owners = ['customers', 'orders', 'products'] as const;
/** One namespace (the connection's `namespace:` argument) and several (every namespace, filtered). */
const variants = [
  { customers: ['custom'], orders: ['custom'], products: ['custom'] },
  { customers: ['custom', 'loyalty'], orders: ['custom', 'gifts'], products: ['custom', 'specs', 'seo'] },
];

const documentsOf = (definition: ReturnType<typeof definitionOf>) => [
  definition.document,
  ...('byIdsQuery' in definition.reconcile && definition.reconcile.byIdsQuery
    ? [definition.reconcile.byIdsQuery]
    : []),
  ...(definition.bulk ? [definition.bulk.query] : []),
];

describe('metafield documents', () => {
  it.each(variants.flatMap((config) => owners.map((owner) => ({ owner, config }))))(
    '$owner with $config.products.length namespace(s): every document is valid and uses nothing deprecated',
    ({ owner, config }) => {
      const definition = configuredResources(config).find((each) => each.name === owner)!;
      for (const source of documentsOf(definition)) {
        expect(source).toContain('metafields');
        const errors = validate(schema, parse(source), [...specifiedRules, NoDeprecatedCustomRule]);
        expect(errors.map((e) => e.message)).toEqual([]);
      }
    },
  );

  it('without namespaces every definition is the registered one: documents and costs unchanged', () => {
    const plain = configuredResources({});
    expect(plain).toEqual(registeredResources);
    for (const definition of plain) expect(documentsOf(definition).join()).not.toContain('metafields');
    const onlyProducts = configuredResources({ products: ['custom'] });
    expect(onlyProducts.find((d) => d.name === 'customers')).toBe(definitionOf('customers'));
  });

  it("orders' bulk document uses bulk's five connections, so orders with metafields sync in pages", () => {
    const configured = configuredResources({ orders: ['custom'], products: ['custom'] });
    expect(configured.find((d) => d.name === 'orders')!.bulk).toBeUndefined();
    expect(configured.find((d) => d.name === 'products')!.bulk?.children).toMatchObject({
      connection: 'variants',
      alongside: [{ connection: 'metafields', typename: 'Metafield' }],
    });
  });
});

describe('metafield page cost', () => {
  let simulator: ShopifySimulator;
  beforeAll(async () => {
    simulator = await startShopifySimulator();
    simulator.createShop({ shopDomain: 'meta-cost.myshopify.com', accessToken: 'token', seedCustomers: 2 });
  });
  afterAll(() => simulator.stop());

  it.each(owners)(
    'the declared cost of a %s page with metafields is what the simulator prices',
    async (owner) => {
      const definition = configuredResources(variants[0]!).find((each) => each.name === owner)!;
      const client = new ShopifyAdminClient({
        shopDomain: 'meta-cost.myshopify.com',
        accessToken: 'token',
        apiVersion: SHOPIFY_API_VERSION,
        urlTemplate: simulator.adminUrlTemplate,
      });
      for (const first of [1, definition.initialPageSize]) {
        const result = await client.query(
          definition.document,
          { first, after: null, query: null },
          z.unknown(),
        );
        expect(result.cost?.requestedQueryCost).toBe(requestedCostOf(definition.pageCost, first));
      }
      expect(definition.initialPageSize).toBeLessThan(definitionOf(owner).initialPageSize);
    },
  );
});

describe('typed metafield values', () => {
  it.each([
    ['boolean', 'true', true],
    ['number_integer', '-9007199254740991', -9007199254740991],
    ['number_decimal', '12345678901234567.891', '12345678901234567.891'],
    ['json', '{"a":[1,2]}', { a: [1, 2] }],
    ['money', '{"amount":"5.99","currency_code":"CAD"}', { amount: '5.99', currency_code: 'CAD' }],
    ['list.single_line_text_field', '["S","M"]', ['S', 'M']],
    ['list.number_decimal', '[1.10, "2.000000000000000001"]', ['1.10', '2.000000000000000001']],
    ['date', '2026-12-07', '2026-12-07'],
    ['product_reference', 'gid://shopify/Product/1', 'gid://shopify/Product/1'],
  ])('%s %s', (type, text, value) => {
    expect(typedMetafieldValue(type, text)).toEqual(value);
  });
});

describe('metafieldNamespaces (CDK context)', () => {
  const errorOf = (raw: Record<string, unknown>): string => {
    try {
      parseConfig(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidConfigError);
      return (error as Error).message;
    }
    throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  };

  it('takes a per-resource map, from cdk.json or as JSON text on the command line', () => {
    const map = { products: ['custom', 'specs'], customers: ['loyalty'] };
    expect(parseConfig({ metafieldNamespaces: map }).metafieldNamespaces).toEqual(map);
    expect(parseConfig({ metafieldNamespaces: JSON.stringify(map) }).metafieldNamespaces).toEqual(map);
  });

  it.each([
    [{ collections: ['custom'] }, /metafieldNamespaces".*Unrecognized key.*collections/],
    [{ products: ['ab'] }, /metafieldNamespaces\.products\.0": expected a namespace/],
    [{ products: ['has space'] }, /expected a namespace/],
    [{ products: ['x'.repeat(256)] }, /expected a namespace/],
    [{ products: [] }, /at least one namespace/],
    [{ products: ['a1a', 'b1b', 'c1c', 'd1d', 'e1e', 'f1f'] }, /at most 5 namespaces/],
    [{ products: ['custom', 'custom'] }, /each namespace once/],
    ['{not json', /metafieldNamespaces/],
  ])('refuses %j, naming the key', (value, message) => {
    expect(errorOf({ metafieldNamespaces: value })).toMatch(message);
  });

  it('refuses namespaces for a resource the deployment does not mirror', () => {
    expect(errorOf({ resources: 'customers', metafieldNamespaces: { orders: ['custom'] } })).toMatch(
      /metafieldNamespaces\.orders": names a resource this deployment does not mirror/,
    );
  });
});

describe('subscriptions name the configured namespaces', () => {
  const uri = 'https://hooks.example.test/shopify';
  const configured = configuredResources({ products: ['custom', 'specs'] });
  const topics = webhookTopicsFor(configured, configured);

  it('the owner topics that carry the record ask for its namespaces; its delete topic does not', () => {
    expect(topics.metafieldNamespaces).toEqual({
      PRODUCTS_CREATE: ['custom', 'specs'],
      PRODUCTS_UPDATE: ['custom', 'specs'],
    });
  });

  it('a subscription naming other namespaces is updated in place; one naming the same in another order is kept', () => {
    const existing = topics.wanted.map((topic, n) => ({
      id: `gid://shopify/WebhookSubscription/${n}`,
      topic,
      uri,
      metafieldNamespaces:
        topic === 'PRODUCTS_UPDATE' ? ['custom'] : topic === 'PRODUCTS_CREATE' ? ['specs', 'custom'] : [],
    }));
    const updateId = existing.find((s) => s.topic === 'PRODUCTS_UPDATE')!.id;
    expect(planSubscriptionRepair(existing, uri, topics)).toEqual([
      { kind: 'update-namespaces', topic: 'PRODUCTS_UPDATE', id: updateId },
    ]);
  });

  it('a subscription still naming namespaces after the configuration dropped them is updated', () => {
    const plain = webhookTopicsFor(registeredResources, registeredResources);
    const existing = [
      {
        id: 'gid://shopify/WebhookSubscription/1',
        topic: 'CUSTOMERS_UPDATE',
        uri,
        metafieldNamespaces: ['custom'],
      },
    ];
    expect(planSubscriptionRepair(existing, uri, { ...plain, wanted: ['CUSTOMERS_UPDATE'] })).toEqual([
      { kind: 'update-namespaces', topic: 'CUSTOMERS_UPDATE', id: 'gid://shopify/WebhookSubscription/1' },
    ]);
  });
});
