import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import { productsResource } from '../../../lambdas/resources/products/index.js';
import {
  largestPageWithin,
  MAX_QUERY_COST,
  requestedCostOf,
} from '../../../lambdas/resources/kit/query-cost.js';
import { startShopifySimulator, type ShopifySimulator } from '../../../local/shopify-simulator/index.js';

let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
  simulator.createShop({ shopDomain: 'cost.myshopify.com', accessToken: 'token', seedCustomers: 3 });
});
afterAll(() => simulator.stop());

describe('customers page cost', () => {
  it.each([1, 50, 249])(
    'the declared requested cost of %i customers is what Shopify (the simulator) prices',
    async (first) => {
      const client = new ShopifyAdminClient({
        shopDomain: 'cost.myshopify.com',
        accessToken: 'token',
        apiVersion: SHOPIFY_API_VERSION,
        urlTemplate: simulator.adminUrlTemplate,
      });
      const result = await client.query(
        customersResource.document,
        { first, after: null, query: null },
        z.unknown(),
      );
      expect(result.cost?.requestedQueryCost).toBe(requestedCostOf(customersResource.pageCost, first));
    },
  );

  it.each([1, 5, ordersResource.initialPageSize])(
    'the declared requested cost of %i orders (nested line items, fulfillments, refunds) is what the simulator prices',
    async (first) => {
      const client = new ShopifyAdminClient({
        shopDomain: 'cost.myshopify.com',
        accessToken: 'token',
        apiVersion: SHOPIFY_API_VERSION,
        urlTemplate: simulator.adminUrlTemplate,
      });
      const result = await client.query(
        ordersResource.document,
        { first, after: null, query: null },
        z.unknown(),
      );
      expect(result.cost?.requestedQueryCost).toBe(requestedCostOf(ordersResource.pageCost, first));
      expect(requestedCostOf(ordersResource.pageCost, ordersResource.initialPageSize)).toBeLessThanOrEqual(
        MAX_QUERY_COST,
      );
    },
  );

  it.each([1, 20, 66])(
    'the declared requested cost of %i products (nested variants) is what the simulator prices',
    async (first) => {
      const client = new ShopifyAdminClient({
        shopDomain: 'cost.myshopify.com',
        accessToken: 'token',
        apiVersion: SHOPIFY_API_VERSION,
        urlTemplate: simulator.adminUrlTemplate,
      });
      const result = await client.query(
        productsResource.document,
        { first, after: null, query: null },
        z.unknown(),
      );
      expect(result.cost?.requestedQueryCost).toBe(requestedCostOf(productsResource.pageCost, first));
    },
  );

  it('starts with the largest page that fits the single-query cap', () => {
    const first = customersResource.initialPageSize;
    expect(requestedCostOf(customersResource.pageCost, first)).toBeLessThanOrEqual(MAX_QUERY_COST);
    expect(requestedCostOf(customersResource.pageCost, first + 1)).toBeGreaterThan(MAX_QUERY_COST);
  });

  it('never sizes a page past what a budget holds, nor past 250 or below 1', () => {
    const cost = { perQuery: 2, perNode: 4 };
    expect(largestPageWithin(cost, 1000)).toBe(249);
    expect(largestPageWithin(cost, 100)).toBe(24); // 98 points
    expect(largestPageWithin({ perQuery: 2, perNode: 1 }, 1000)).toBe(250);
    expect(largestPageWithin(cost, 3)).toBe(1);
  });
});
