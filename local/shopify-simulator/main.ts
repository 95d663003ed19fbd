/**
 * Runs the Shopify simulator on its own, with one seeded demo shop:
 *   SHOPIFY_SIMULATOR_PORT=8787 npx tsx local/shopify-simulator/main.ts
 */
import { startShopifySimulator } from './index.js';

const port = Number(process.env['SHOPIFY_SIMULATOR_PORT'] ?? 8787);
const shopDomain = process.env['SHOPIFY_SIMULATOR_SHOP'] ?? 'demo-store.myshopify.com';
const accessToken = process.env['SHOPIFY_SIMULATOR_TOKEN'] ?? 'shpat_demo_token';
const seedCustomers = Number(process.env['SHOPIFY_SIMULATOR_CUSTOMERS'] ?? 500);

const simulator = await startShopifySimulator({
  port,
  ...(process.env['SHOPIFY_SIMULATOR_APP_SECRET']
    ? { appSecret: process.env['SHOPIFY_SIMULATOR_APP_SECRET'] }
    : {}),
});
simulator.createShop({ shopDomain, accessToken, seedCustomers, seed: 42 });

console.log(`Shopify simulator on ${simulator.baseUrl}`);
console.log(`  SHOPIFY_ADMIN_URL_TEMPLATE=${simulator.adminUrlTemplate}`);
// A token supplied through the environment is the caller's secret: never echo it.
const tokenHint = process.env['SHOPIFY_SIMULATOR_TOKEN'] ? '(from SHOPIFY_SIMULATOR_TOKEN)' : accessToken;
console.log(`  demo shop ${shopDomain} (${seedCustomers} customers), access token: ${tokenHint}`);
console.log(
  `  control API: ${simulator.controlUrl} (e.g. GET ${simulator.controlUrl}/shops/${shopDomain}/customers)`,
);

const shutdown = () => {
  void simulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
