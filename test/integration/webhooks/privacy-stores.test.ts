/**
 * The stores behind the privacy webhooks, against DynamoDB Local: the redaction ledger has no
 * size ceiling (one item per id), and a data export past its expiry is never served.
 */
import { describe, expect, it } from 'vitest';
import { createDataExportStore } from '../../../lambdas/adapters/dynamodb/data-export-store.js';
import { createRedactionLedger } from '../../../lambdas/adapters/dynamodb/redaction-ledger.js';
import { useTestTables } from '../../support/dynamo.js';

const tables = useTestTables();

describe('the redaction ledger', () => {
  it(
    'keeps every id of a shop, well past the 21,500 that filled one 400 KB item',
    { timeout: 180_000 },
    async () => {
      const ledger = createRedactionLedger(tables.doc, tables.names);
      const shopDomain = 'ledger-store.myshopify.com';
      // 20-digit ids, as large as Shopify's can be: 21,600 of them need ~475 KB as one string set.
      const ids = Array.from({ length: 21_600 }, (_, n) => String(10n ** 19n + BigInt(n)));
      await ledger.recordMany(shopDomain, 'customers', ids);
      await ledger.record(shopDomain, 'customers', '9999999999999999999');
      await ledger.record(shopDomain, 'orders', '5001');
      // Idempotent: recording an id again adds nothing.
      await ledger.record(shopDomain, 'orders', '5001');
      await ledger.recordMany(shopDomain, 'customers', ids.slice(0, 100));

      const redacted = await ledger.redacted(shopDomain);
      expect(redacted).toHaveLength(21_602);
      expect(new Set(redacted.filter((r) => r.resource === 'customers').map((r) => r.shopifyId))).toEqual(
        new Set([...ids, '9999999999999999999']),
      );
      expect(redacted.filter((r) => r.resource === 'orders')).toEqual([
        { resource: 'orders', shopifyId: '5001' },
      ]);
      // Another shop's ledger is its own.
      expect(await ledger.redacted('other-store.myshopify.com')).toEqual([]);
    },
  );
});

describe('customer data exports', () => {
  it('an export past its expiry is never served, whether or not the TTL sweep has run', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const exports = createDataExportStore(tables.doc, tables.names.Integrations, {
      retentionDays: 30,
      now: () => now,
    });
    const saved = await exports.save({
      dataRequestId: '77',
      shopDomain: 'export-store.myshopify.com',
      shopifyShopId: '1',
      customerShopifyId: '42',
      requestedAt: '2026-12-01T00:00:00.000Z',
      exportedAt: '2026-12-01T00:00:00.000Z',
      records: [{ shopifyId: '42', email: 'a@example.com' }],
      orders: [{ shopifyId: '9', email: 'a@example.com' }],
    });
    expect(saved.created).toBe(true);
    now = Date.parse('2026-12-30T23:59:00Z');
    expect(await exports.get('export-store.myshopify.com', '77')).toMatchObject({
      records: [{ shopifyId: '42' }],
      orders: [{ shopifyId: '9' }],
    });
    now = Date.parse('2026-12-31T00:00:01Z');
    expect(await exports.get('export-store.myshopify.com', '77')).toBeUndefined();
  });
});
