/**
 * Runs the Shopify simulator on its own, with one seeded demo shop:
 *   SHOPIFY_SIMULATOR_PORT=8787 npx tsx local/shopify-simulator/main.ts
 */
import { z } from 'zod';
import { defineCommand, exitWithUsage, parseCommandLine } from '../../scripts/support/command-line.js';
import { startShopifySimulator } from './index.js';

const settingsSchema = z.object({
  SHOPIFY_SIMULATOR_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .default(8787)
    .describe('Port to listen on'),
  SHOPIFY_SIMULATOR_SHOP: z
    .string()
    .min(1)
    .default('demo-store.myshopify.com')
    .describe("The demo shop's domain"),
  SHOPIFY_SIMULATOR_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe('Its access token (default: shpat_demo_token)'),
  SHOPIFY_SIMULATOR_CUSTOMERS: z.coerce
    .number()
    .int()
    .min(0)
    .default(500)
    .describe('Customers seeded into it'),
  SHOPIFY_SIMULATOR_APP_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe('The app secret webhooks are signed with'),
});
const command = defineCommand({
  usage: 'npx tsx local/shopify-simulator/main.ts',
  summary:
    'Runs the Shopify simulator on its own, with one seeded demo shop. Settings come from the environment.',
  options: {},
  environment: settingsSchema,
});
parseCommandLine(command);
const parsed = settingsSchema.safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')),
);
if (!parsed.success)
  exitWithUsage(command, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
const settings = parsed.data;
const port = settings.SHOPIFY_SIMULATOR_PORT;
const shopDomain = settings.SHOPIFY_SIMULATOR_SHOP;
const accessToken = settings.SHOPIFY_SIMULATOR_TOKEN ?? 'shpat_demo_token';
const seedCustomers = settings.SHOPIFY_SIMULATOR_CUSTOMERS;

const simulator = await startShopifySimulator({
  port,
  ...(settings.SHOPIFY_SIMULATOR_APP_SECRET ? { appSecret: settings.SHOPIFY_SIMULATOR_APP_SECRET } : {}),
});
simulator.createShop({ shopDomain, accessToken, seedCustomers, seed: 42 });

console.log(`Shopify simulator on ${simulator.baseUrl}`);
console.log(`  SHOPIFY_ADMIN_URL_TEMPLATE=${simulator.adminUrlTemplate}`);
// A token supplied through the environment is the caller's secret: never echo it.
const tokenHint = settings.SHOPIFY_SIMULATOR_TOKEN ? '(from SHOPIFY_SIMULATOR_TOKEN)' : accessToken;
console.log(`  demo shop ${shopDomain} (${seedCustomers} customers), access token: ${tokenHint}`);
console.log(
  `  control API: ${simulator.controlUrl} (e.g. GET ${simulator.controlUrl}/shops/${shopDomain}/customers)`,
);

const shutdown = () => {
  void simulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
