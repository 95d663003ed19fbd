/**
 * Load: 200 concurrent deliveries of updates to the same 10 customers, in random order, through
 * the local runtime's HTTP server and the real webhook handler. The simulator signs them exactly
 * as Shopify would; the final table must hold the newest version of each customer.
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import type { WebhookDelivery } from '../../local/shopify-simulator/index.js';
import { progress } from '../support/environment.js';
import { type Figure, fixed, rate } from '../support/figure.js';
import { compareMirror, storedItems, storeTruth } from '../support/mirror-check.js';
import { Random } from '../support/random.js';
import type { BenchRuntime } from '../support/runtime.js';

export const postDelivery = async (delivery: WebhookDelivery): Promise<number> => {
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
  });
  await response.arrayBuffer();
  return response.status;
};

export async function webhookLoad(bench: BenchRuntime, deliveries = 200, customers = 10): Promise<Figure> {
  const random = new Random(2026);
  const shopDomain = 'load-test.myshopify.com';
  const accessToken = 'shpat_load';
  const shop = bench.simulator.createShop({
    shopDomain,
    accessToken,
    plan: { restoreRate: 1e6, maximumAvailable: 1e6 },
  });
  const integration = await bench.connect(shopDomain, accessToken);
  const ids = Array.from(
    { length: customers },
    (_, i) => shop.resources.customers.create({ firstName: `Load${i}`, email: `load${i}@example.com` }).id,
  );
  shop.addWebhookSubscription('CUSTOMERS_UPDATE', bench.webhookUrl, 'JSON', SHOPIFY_API_VERSION);
  shop.setDelivery({ capture: true });
  for (let i = 0; i < deliveries; i += 1) {
    shop.resources.customers.update(random.pick(ids), {
      firstName: `First${i}`,
      note: `update ${i}`,
      ...(random.chance(0.5) && {
        defaultAddress: { city: `City${i}`, countryCode: 'CA', country: 'Canada' },
      }),
    });
  }
  const batch = random.shuffle(shop.takeDeliveries());
  progress(
    `Load: ${batch.length} concurrent deliveries to ${customers} customers through ${bench.webhookUrl}`,
  );
  const started = performance.now();
  const statuses = await Promise.all(batch.map((delivery) => postDelivery(delivery).catch(() => 0)));
  const elapsedMs = performance.now() - started;
  const errors = statuses.filter((status) => status < 200 || status >= 300).length;
  const truth = await storeTruth(bench.simulator.adminUrlTemplate, shopDomain, accessToken, integration);
  const stored = await storedItems(bench.doc, bench.runtime.tableNames.Customers, integration.organizationId);
  const report = compareMirror(truth, new Set(), stored);
  const converged = report.mismatches.length === 0 && truth.length === customers;
  return {
    id: 'Load',
    title: `${batch.length} concurrent updates of ${customers} customers (HTTP)`,
    measured: `${fixed(rate(batch.length, elapsedMs))} deliveries/s (${fixed(elapsedMs)} ms); ${errors} errors; final state ${converged ? '== newest of each' : `DIFFERS (${JSON.stringify(report.byClass)})`}`,
    baseline: '-',
    target: '0 errors, newest version of each',
    pass: errors === 0 && converged,
    data: { deliveries: batch.length, elapsedMs, errors, statuses: countBy(statuses), mirror: report },
  };
}

const countBy = (values: readonly number[]) => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
};
