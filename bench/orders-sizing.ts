/**
 * npx tsx bench/orders-sizing.ts [planScale]
 *
 * How well an orders sync uses a Standard plan's bucket (100 points/s, 2,000 bucket; planScale
 * multiplies both): 120 seeded orders (one with 320 line items) plus 8 with 12-40 lines, synced
 * by the real engine (syncResource) and admin client against the simulator, writes discarded.
 * Prints wall time, requests, requested vs actually spent points, and the client's waits. The
 * floor is (spent points - the bucket's start) / restore rate. See docs/benchmarks-history.md (chaos and
 * resources section).
 */
import { SHOPIFY_API_VERSION } from '../lambdas/shopify/api-version.js';
import { startShopifySimulator } from '../local/shopify-simulator/index.js';
import { ShopifyAdminClient } from '../lambdas/adapters/shopify/admin-client.js';
import { ordersResource } from '../lambdas/resources/orders/index.js';
import { syncResource } from '../lambdas/core/sync/sync-engine.js';
import { initialResourceProgress, zeroCallCounters } from '../lambdas/core/sync/progress.js';
import { silentLogger } from '../lambdas/core/logger.js';
const scale = Number(process.argv[2] ?? 1);
const sim = await startShopifySimulator();
const domain = 'sizing.myshopify.com';
const shop = sim.createShop({
  shopDomain: domain,
  accessToken: 't',
  seedCustomers: 50,
  seedOrders: 120,
  seed: 3,
  plan: { restoreRate: 100 * scale, maximumAvailable: 2000 * scale },
});
// a realistic tail: 8 orders with 12-40 lines
for (let i = 0; i < 8; i++) shop.resources.orders.create({ lineItems: 12 + i * 4 });
const client = new ShopifyAdminClient({
  shopDomain: domain,
  accessToken: 't',
  apiVersion: SHOPIFY_API_VERSION,
  urlTemplate: sim.adminUrlTemplate,
});
let written = 0;
const t0 = Date.now();
const result = await syncResource({
  definition: ordersResource,
  graphql: client,
  writer: {
    async upsertMany(records) {
      written += records.length;
      return { written: records.length, stale: 0, redacted: 0 };
    },
  },
  owner: { organizationId: 'o', integrationId: 'i', shopDomain: domain },
  progress: {
    resource: initialResourceProgress(null, ordersResource.initialPageSize),
    calls: zeroCallCounters,
  },
  saveProgress: async () => {},
  shouldPause: () => false,
  logger: silentLogger,
});
const reqs = shop.requests();
const sum = (f: (r: (typeof reqs)[number]) => number) => reqs.reduce((a, r) => a + f(r), 0);
console.log(
  JSON.stringify({
    outcome: result.outcome,
    written,
    ms: Date.now() - t0,
    requests: reqs.length,
    pages: reqs.filter((r) => r.operationName === 'OrdersPage').length,
    lineItemPages: reqs.filter((r) => r.operationName === 'OrderLineItems').length,
    throttled: reqs.filter((r) => r.errorCodes.includes('THROTTLED')).length,
    requested: sum((r) => r.requestedQueryCost ?? 0),
    actual: sum((r) => r.actualQueryCost ?? 0),
    calls: result.progress.calls,
  }),
);
await sim.stop();
