import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../../lambdas/adapters/shopify/admin-client.js';
import { fromGraphql, graphqlCustomerSchema } from '../../../lambdas/resources/customers/shopify/mapping.js';
import { customersPageQuery } from '../../../lambdas/resources/customers/shopify/documents.js';
import { type ShopifySimulator, startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { useTestTables } from '../../support/dynamo.js';
import { syncHarness } from './harness.js';

const tables = useTestTables();
let simulator: ShopifySimulator;
beforeAll(async () => {
  simulator = await startShopifySimulator();
});
afterAll(() => simulator.stop());
const harness = syncHarness(tables, () => simulator);

// Blank strings, whitespace, unicode and nulls: the cases where two mappings drift apart.
const text = fc.option(
  fc.oneof(
    fc.constant(''),
    fc.constant(' '),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('Zoë', 'Łódź', '東京', "O'Brien"),
  ),
  { nil: null },
);
const address = fc.record({
  firstName: text,
  lastName: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  provinceCode: text,
  country: text,
  countryCode: fc.option(fc.constantFrom('CA', 'DE', 'JP', 'US'), { nil: null }),
  zip: text,
  phone: text,
});
const customerInput = fc.record({
  firstName: text,
  lastName: text,
  email: fc.option(fc.constantFrom('a@example.com', 'zoe@example.org', 'x.y+z@example.co.uk'), { nil: null }),
  phone: fc.option(fc.constantFrom('+14155550123', '+4930123456', '+819012345678'), { nil: null }),
  state: fc.constantFrom('ENABLED', 'DISABLED', 'INVITED', 'DECLINED' as const),
  verifiedEmail: fc.boolean(),
  taxExempt: fc.boolean(),
  taxExemptions: fc.subarray([
    'CA_STATUS_CARD_EXEMPTION',
    'US_CO_RESELLER_EXEMPTION',
    'CA_BC_RESELLER_EXEMPTION',
  ]),
  note: text,
  defaultAddress: fc.option(address, { nil: null }),
});

const pageSchema = z.object({
  customers: z.object({
    nodes: z.array(graphqlCustomerSchema),
    pageInfo: z.object({ hasNextPage: z.boolean() }),
  }),
});

describe('sync and webhook mappings', () => {
  it('yield the identical record for any customer, in any shop timezone', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(customerInput, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'),
        async (inputs, ianaTimezone) => {
          const { shop, integration } = await harness.connect({
            shopDomain: `prop-${++n}.myshopify.com`,
            ianaTimezone,
          });
          const created = inputs.map((input) => shop.resources.customers.create(input));
          const client = new ShopifyAdminClient({
            shopDomain: shop.domain,
            accessToken: integration.encryptedAccessToken!.replace(/^enc:/, ''),
            apiVersion: SHOPIFY_API_VERSION,
            urlTemplate: simulator.adminUrlTemplate,
          });
          const { data } = await client.query(
            customersPageQuery,
            { first: 50, after: null, query: null },
            pageSchema,
          );
          const viaSync = data.customers.nodes.map((node) => fromGraphql(node, integration));
          const viaWebhook = created.map((customer) => harness.webhookRecord(customer, shop, integration));
          const byId = (a: { shopifyId: string }, b: { shopifyId: string }) =>
            a.shopifyId.localeCompare(b.shopifyId);
          expect(viaSync.sort(byId)).toEqual(viaWebhook.sort(byId));
        },
      ),
      { numRuns: 25 },
    );
  });
});
