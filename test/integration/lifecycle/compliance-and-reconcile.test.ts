import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { createDataExportStore } from '../../../lambdas/adapters/dynamodb/data-export-store.js';
import { createJsonlReader } from '../../../lambdas/adapters/shopify/jsonl-lines.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { toRecord } from '../../../lambdas/resources/kit/mirrored-record.js';
import { connectIntegration } from '../../../lambdas/core/integrations/connect.js';
import { disconnectIntegration } from '../../../lambdas/core/integrations/manage.js';
import { runDeletionReconcile } from '../../../lambdas/core/reconcile/deletion-reconcile.js';
import { createReconcileListingStore } from '../../../lambdas/adapters/dynamodb/reconcile-listing-store.js';
import { useTestTables } from '../../support/dynamo.js';
import { withoutStorageAttributes } from '../../../lambdas/adapters/dynamodb/storage-attributes.js';
import { captureOutput, startWorld, type World } from './world.js';

const tables = useTestTables();
let world: World;
const output = captureOutput();
let seed = 500;

/** A connected shop whose customers reached DynamoDB through the real webhook path. */
const connectedShopWithCustomers = async (name: string, organizationId: string, count: number) => {
  const shopDomain = `${name}.myshopify.com`;
  const token = `shpat_${name}_token`;
  world.simulator.createShop({ shopDomain, accessToken: token, seed: ++seed });
  const { integration } = await connectIntegration(
    { organizationId, shopDomain, accessToken: token },
    world.lifecycle,
  );
  const shop = world.simulator.shop(shopDomain);
  shop.setDelivery({ capture: true });
  const customers = Array.from({ length: count }, (_, n) =>
    shop.resources.customers.create({
      firstName: `${name}${n}`,
      email: `${name}${n}@example.com`,
      phone: `+1415555${String(1000 + n)}`,
    }),
  );
  await world.deliverCaptured(shopDomain);
  return { shopDomain, shop, integration, customers, token };
};

/** Shopify sends ids as bare 64-bit JSON numbers; JSON.stringify of a JS number would round them. */
const withExactIds = (value: unknown): string => JSON.stringify(value).replace(/"#(\d+)"/g, '$1');

const stored = (organizationId: string, shopifyId: string) =>
  world.customerStore.get(organizationId, shopifyId);

beforeAll(async () => {
  world = await startWorld(tables);
});
afterAll(async () => {
  await world.stop();
  output.restore();
});

describe('customers/redact', () => {
  it('turns the customer into an id-only tombstone that neither a later webhook nor a sync can refill', async () => {
    const { shopDomain, shop, customers } = await connectedShopWithCustomers('redact', 'org-r', 2);
    const [target, bystander] = customers;
    const payload = withExactIds({
      shop_id: `#${shop.numericId}`,
      shop_domain: shopDomain,
      customer: { id: `#${target!.id}`, email: target!.email, phone: target!.phone },
      orders_to_redact: [],
    });

    const first = await world.deliver(shopDomain, 'customers/redact', payload);
    const again = await world.deliver(shopDomain, 'customers/redact', payload);

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const tombstone = await stored('org-r', target!.id);
    expect(tombstone).toEqual({
      organizationId: 'org-r',
      shopifyId: target!.id,
      integrationId: expect.any(String),
      shopDomain,
      shopifyGid: `gid://shopify/Customer/${target!.id}`,
      source: 'SHOPIFY',
      status: 'REDACTED',
      redactedAt: expect.any(String),
    });
    const redactedAt = tombstone!.redactedAt;

    shop.resources.customers.update(target!.id, { firstName: 'Back', email: 'back@example.com' });
    await world.deliverCaptured(shopDomain);
    const syncOutcome = await world.customerStore.upsert(
      toRecord<CustomerRecord>(
        'Customer',
        {
          shopifyId: target!.id,
          firstName: 'Sync',
          lastName: null,
          email: 'sync@example.com',
          phone: null,
          state: 'ENABLED',
          verifiedEmail: true,
          taxExempt: false,
          taxExemptions: [],
          note: null,
          defaultAddress: null,
          createdAt: '2030-01-01T00:00:00.000Z',
          shopifyUpdatedAt: '2030-01-01T00:00:00.000Z',
        },
        { organizationId: 'org-r', integrationId: tombstone!.integrationId, shopDomain },
      ),
    );

    expect(syncOutcome).toBe('redacted');
    expect(await stored('org-r', target!.id)).toEqual({ ...tombstone, redactedAt });
    expect((await stored('org-r', bystander!.id))?.firstName).toBe('redact1');
    const logged = output.lines.join('');
    expect(logged).not.toContain(target!.email!);
    expect(logged).not.toContain(target!.phone!);
  });
});

/** Every item of every table, as text: what a search for personal data has to come up empty on. */
const everyItemText = async (): Promise<string[]> => {
  const texts: string[] = [];
  for (const name of Object.values(tables.names)) {
    const { Items = [] } = await tables.doc.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    texts.push(
      ...Items.map((item) => JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v))),
    );
  }
  return texts;
};

describe('erasure is complete and lasting', () => {
  it('after a data request then customers/redact, the email, phone and names are in no item of any table', async () => {
    const { shopDomain, shop } = await connectedShopWithCustomers('erase', 'org-e', 1);
    const person = shop.resources.customers.create({
      firstName: 'Zebulon',
      lastName: 'Quillfeather',
      email: 'zebulon.quillfeather@example.com',
      phone: '+14155559876',
    });
    await world.deliverCaptured(shopDomain);
    const pii = ['Zebulon', 'Quillfeather', 'zebulon.quillfeather@example.com', '+14155559876'];
    const containingPii = async () =>
      (await everyItemText()).filter((text) => pii.some((v) => text.includes(v)));
    const subject = {
      shop_id: `#${shop.numericId}`,
      shop_domain: shopDomain,
      customer: { id: `#${person.id}`, email: person.email, phone: person.phone },
    };

    const requested = await world.deliver(
      shopDomain,
      'customers/data_request',
      withExactIds({ ...subject, orders_requested: [], data_request: { id: '#9001' } }),
    );
    expect(requested.body).toMatchObject({ outcome: 'written' });
    // The export holds the customer's data, and expires: 30 days after it was made.
    expect(await containingPii()).not.toEqual([]);
    const exportItem = (await everyItemText()).map((t) => JSON.parse(t) as Record<string, unknown>);
    const saved = exportItem.find((item) => item['recordType'] === 'CUSTOMER_DATA_EXPORT');
    expect(saved).toBeDefined();
    expect(Number(saved!['expiresAt'])).toBeCloseTo(
      Date.parse(String(saved!['exportedAt'])) / 1000 + 30 * 86_400,
      -1,
    );

    const redacted = await world.deliver(
      shopDomain,
      'customers/redact',
      withExactIds({ ...subject, orders_to_redact: [] }),
    );

    expect(redacted.body).toMatchObject({ outcome: 'written' });
    expect(await containingPii()).toEqual([]);
    expect(
      await createDataExportStore(tables.doc, tables.names.Integrations).get(shopDomain, '9001'),
    ).toBeUndefined();
  });

  it('a purged store connected again, by another organization, never re-imports a redacted customer', async () => {
    const first = await connectedShopWithCustomers('ledger', 'org-l1', 3);
    const [target, kept] = first.customers;
    const redact = withExactIds({
      shop_id: `#${first.shop.numericId}`,
      shop_domain: first.shopDomain,
      customer: { id: `#${target!.id}`, email: target!.email, phone: target!.phone },
      orders_to_redact: [],
    });
    expect((await world.deliver(first.shopDomain, 'customers/redact', redact)).body).toMatchObject({
      outcome: 'written',
    });
    const purged = await disconnectIntegration(first.integration, { purge: true }, world.lifecycle);
    expect(purged.purge).toMatchObject({ complete: true });
    expect(await stored('org-l1', target!.id)).toBeUndefined();

    const { integration } = await connectIntegration(
      { organizationId: 'org-l2', shopDomain: first.shopDomain, accessToken: first.token },
      world.lifecycle,
    );

    // What the initial sync does with every customer it lists: the same conditional upsert.
    const listed = (customer: typeof target) =>
      toRecord<CustomerRecord>(
        'Customer',
        {
          shopifyId: customer!.id,
          firstName: customer!.firstName,
          lastName: customer!.lastName,
          email: customer!.email,
          phone: customer!.phone,
          state: 'ENABLED',
          verifiedEmail: true,
          taxExempt: false,
          taxExemptions: [],
          note: null,
          defaultAddress: null,
          createdAt: '2030-01-01T00:00:00.000Z',
          shopifyUpdatedAt: '2030-01-01T00:00:00.000Z',
        },
        { organizationId: 'org-l2', integrationId: integration.integrationId, shopDomain: first.shopDomain },
      );
    expect(await world.customerStore.upsert(listed(target))).toBe('redacted');
    expect(await world.customerStore.upsert(listed(kept))).toBe('written');
    expect(await stored('org-l2', target!.id)).toMatchObject({ status: 'REDACTED' });
    expect(await stored('org-l2', target!.id)).not.toHaveProperty('email');
  });
});

describe('shop/redact', () => {
  it('leaves an integration connected again since the uninstall intact, and says so', async () => {
    const back = await connectedShopWithCustomers('back', 'org-b2', 3);
    const payload = withExactIds({ shop_id: `#${back.shop.numericId}`, shop_domain: back.shopDomain });
    const before = await world.lifecycle.integrations.get(back.integration.integrationId);

    const response = await world.deliver(back.shopDomain, 'shop/redact', payload);

    expect(response).toMatchObject({
      status: 200,
      body: { outcome: 'ignored', reason: 'reconnected-since-uninstall' },
    });
    expect(await world.lifecycle.integrations.get(back.integration.integrationId)).toEqual(before);
    expect(await world.lifecycle.customers.countByStatus(back.integration.integrationId)).toMatchObject({
      ACTIVE: 3,
    });
  });

  it('purges every customer and the credentials of that shop and leaves other shops untouched', async () => {
    const gone = await connectedShopWithCustomers('gone', 'org-s', 40);
    const kept = await connectedShopWithCustomers('kept', 'org-s', 5);
    const payload = withExactIds({ shop_id: `#${gone.shop.numericId}`, shop_domain: gone.shopDomain });
    // Shopify sends shop/redact 48 h after the merchant uninstalled the app.
    const uninstalled = withExactIds({ id: `#${gone.shop.numericId}`, myshopify_domain: gone.shopDomain });
    expect((await world.deliver(gone.shopDomain, 'app/uninstalled', uninstalled)).status).toBe(200);
    await world.confirmUninstall(gone.integration.integrationId);

    const response = await world.deliver(gone.shopDomain, 'shop/redact', payload);

    expect(response.status).toBe(200);
    expect(await world.lifecycle.customers.countByStatus(gone.integration.integrationId)).toEqual({
      ACTIVE: 0,
      INACTIVE: 0,
      REDACTED: 0,
    });
    for (const customer of gone.customers) expect(await stored('org-s', customer.id)).toBeUndefined();
    const integration = await world.lifecycle.integrations.get(gone.integration.integrationId);
    expect(integration).toMatchObject({
      status: 'INACTIVE',
      statusReason: 'shop-redacted',
      redactedAt: expect.any(String),
    });
    expect(integration).not.toHaveProperty('encryptedAccessToken');
    expect(await world.lifecycle.records.pendingPurges()).not.toContain(gone.integration.integrationId);
    expect(await world.lifecycle.customers.countByStatus(kept.integration.integrationId)).toEqual({
      ACTIVE: 5,
      INACTIVE: 0,
      REDACTED: 0,
    });
  });

  it('still purges when it arrives after app/uninstalled, while customer topics for the uninstalled store are ignored', async () => {
    const left = await connectedShopWithCustomers('left', 'org-u', 4);
    const uninstalled = await world.deliver(
      left.shopDomain,
      'app/uninstalled',
      withExactIds({ id: `#${left.shop.numericId}`, myshopify_domain: left.shopDomain }),
    );
    expect(uninstalled.status).toBe(200);
    await world.confirmUninstall(left.integration.integrationId);
    expect(await world.lifecycle.integrations.get(left.integration.integrationId)).toMatchObject({
      status: 'INACTIVE',
    });

    left.shop.resources.customers.update(left.customers[0]!.id, { firstName: 'AfterUninstall' });
    const late = await world.deliverCaptured(left.shopDomain);
    expect(late.map((r) => JSON.parse(String(r.body)))).toEqual([
      expect.objectContaining({ outcome: 'ignored', reason: 'inactive-integration' }),
    ]);
    expect((await stored('org-u', left.customers[0]!.id))?.firstName).toBe('left0');

    const redact = await world.deliver(
      left.shopDomain,
      'shop/redact',
      withExactIds({ shop_id: `#${left.shop.numericId}`, shop_domain: left.shopDomain }),
    );

    expect(redact.status).toBe(200);
    for (const customer of left.customers) expect(await stored('org-u', customer.id)).toBeUndefined();
    expect(await world.lifecycle.integrations.get(left.integration.integrationId)).not.toHaveProperty(
      'encryptedAccessToken',
    );
  });

  it('a purge that runs out of time is recorded as pending and finished by a later pass', async () => {
    const big = await connectedShopWithCustomers('big', 'org-p', 60);
    const { purgeIntegrationData, resumePendingPurges } =
      await import('../../../lambdas/core/integrations/manage.js');
    const integration = (await world.lifecycle.integrations.get(big.integration.integrationId))!;

    const first = await purgeIntegrationData(integration, world.lifecycle, {
      at: new Date().toISOString(),
      deadline: 0,
    });

    expect(first.complete).toBe(false);
    expect(await world.lifecycle.records.pendingPurges()).toContain(integration.integrationId);
    const resumed = await resumePendingPurges(world.lifecycle);
    expect(resumed).toEqual({ resumed: 1, completed: 1 });
    expect(await world.lifecycle.records.pendingPurges()).toEqual([]);
    expect((await world.lifecycle.customers.countByStatus(integration.integrationId)).ACTIVE).toBe(0);
  });
});

describe('customers/data_request', () => {
  it('stores a complete, auditable export of what is stored about the customer, once', async () => {
    const { shopDomain, shop, customers } = await connectedShopWithCustomers('export', 'org-x', 2);
    const target = customers[0]!;
    const body = withExactIds({
      shop_id: `#${shop.numericId}`,
      shop_domain: shopDomain,
      orders_requested: [],
      customer: { id: `#${target.id}`, email: target.email, phone: target.phone },
      data_request: { id: '#9000000001' },
    });

    const first = await world.deliver(shopDomain, 'customers/data_request', body);
    const second = await world.deliver(shopDomain, 'customers/data_request', body);

    expect([first.status, second.status]).toEqual([200, 200]);
    const saved = await createDataExportStore(world.doc, tables.names.Integrations).get(
      shopDomain,
      '9000000001',
    );
    expect(saved).toMatchObject({
      dataRequestId: '9000000001',
      shopDomain,
      shopifyShopId: shop.numericId,
      customerShopifyId: target.id,
    });
    // What is stored about the customer, without the table's storage attributes (the index shard).
    expect(saved!.records).toEqual([withoutStorageAttributes((await stored('org-x', target.id))!)]);
    expect(saved!.records[0]).not.toHaveProperty('updatedShard');
    expect(saved!.records[0]).toMatchObject({ email: target.email, firstName: target.firstName });
    // The export item stays out of the integration indexes.
    expect(await world.lifecycle.integrations.findByShopDomain(shopDomain)).toHaveLength(1);
    expect(output.lines.join('')).toContain('data-request#export.myshopify.com#9000000001');
  });
});

describe('deletion reconcile', () => {
  it('marks exactly the customers deleted while webhooks were dropped, and changes nothing else', async () => {
    const { shopDomain, shop, integration, customers } = await connectedShopWithCustomers(
      'recon',
      'org-q',
      12,
    );
    const deleted = customers.slice(3, 6);
    for (const customer of deleted) shop.resources.customers.delete(customer.id);
    shop.takeDeliveries(); // the deletes never arrive
    // Stored but changed just now: too recent to judge against Shopify's lagging search index.
    const now = new Date(Date.now() + 60 * 60_000);
    const recentGhost = '9999999999001';
    await world.customerStore.upsert(
      toRecord<CustomerRecord>(
        'Customer',
        {
          shopifyId: recentGhost,
          firstName: null,
          lastName: null,
          email: null,
          phone: null,
          state: 'ENABLED',
          verifiedEmail: false,
          taxExempt: false,
          taxExemptions: [],
          note: null,
          defaultAddress: null,
          createdAt: new Date(now.getTime() - 60_000).toISOString(),
          shopifyUpdatedAt: new Date(now.getTime() - 60_000).toISOString(),
        },
        { organizationId: 'org-q', integrationId: integration.integrationId, shopDomain },
      ),
    );
    const before = new Map(
      await Promise.all(customers.map(async (c) => [c.id, await stored('org-q', c.id)] as const)),
    );
    const current = (await world.lifecycle.integrations.get(integration.integrationId))!;

    const result = await runDeletionReconcile(current, {
      ...world.lifecycle,
      resource: customersResource,
      inventory: world.lifecycle.customers,
      writes: world.customerStore,
      overlapMinutes: 5,
      now: () => now,
    });

    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 9 });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(
      deleted.map((c) => c.id).sort(),
    );
    for (const customer of customers) {
      const after = await stored('org-q', customer.id);
      if (deleted.includes(customer)) {
        expect(after).toEqual({
          ...before.get(customer.id),
          status: 'INACTIVE',
          deleteReason: 'reconciled',
          deletedAt: now.toISOString(),
        });
      } else {
        expect(after).toEqual(before.get(customer.id));
      }
    }
    expect((await stored('org-q', recentGhost))?.status).toBe('ACTIVE');
    expect((await world.lifecycle.integrations.get(integration.integrationId))?.resourceReconciledAt).toEqual(
      {
        customers: now.toISOString(),
      },
    );
  });

  it('skips the id comparison when the counts agree and the last reconcile is recent', async () => {
    const { integration } = await connectedShopWithCustomers('calm', 'org-calm', 4);
    await world.lifecycle.records.recordReconcile(integration.integrationId, {
      reconciledAt: new Date().toISOString(),
      resource: 'customers',
    });
    const current = (await world.lifecycle.integrations.get(integration.integrationId))!;

    const result = await runDeletionReconcile(current, {
      ...world.lifecycle,
      resource: customersResource,
      inventory: world.lifecycle.customers,
      writes: world.customerStore,
      overlapMinutes: 5,
    });

    expect(result).toEqual({ outcome: 'skipped', shopifyCount: 4, storedActive: 4 });
  });

  it('keeps a reconcile clock per resource: a recent orders reconcile does not make customers recent', async () => {
    const { integration } = await connectedShopWithCustomers('clocks', 'org-clocks', 3);
    const { integrationId } = integration;
    const dayAndMore = new Date(Date.now() - 25 * 3_600_000).toISOString();
    const recent = new Date().toISOString();
    await world.lifecycle.records.recordReconcile(integrationId, {
      reconciledAt: dayAndMore,
      resource: 'customers',
    });
    await world.lifecycle.records.recordReconcile(integrationId, {
      reconciledAt: recent,
      resource: 'orders',
    });
    const both = (await world.lifecycle.integrations.get(integrationId))!;
    expect(both.resourceReconciledAt).toEqual({ customers: dayAndMore, orders: recent });
    expect(both.lastReconciledAt).toBe(recent);
    const deps = {
      ...world.lifecycle,
      resource: customersResource,
      inventory: world.lifecycle.customers,
      writes: world.customerStore,
      overlapMinutes: 5,
    };

    // Counts agree, and a reconcile ran minutes ago, but not of customers: theirs is due.
    expect(await runDeletionReconcile(both, deps)).toMatchObject({ outcome: 'reconciled', idsListed: 3 });
    const after = (await world.lifecycle.integrations.get(integrationId))!;
    expect(after.resourceReconciledAt?.['orders']).toBe(recent);
    expect((after.resourceReconciledAt?.['customers'] ?? '') > dayAndMore).toBe(true);

    // An item from before the per-resource clocks: its one timestamp stands in for every resource.
    const { resourceReconciledAt: _clocks, ...legacy } = after;
    expect(await runDeletionReconcile({ ...legacy, lastReconciledAt: recent }, deps)).toMatchObject({
      outcome: 'skipped',
    });
    expect(await runDeletionReconcile({ ...legacy, lastReconciledAt: dayAndMore }, deps)).toMatchObject({
      outcome: 'reconciled',
    });
  });
});

describe('reconcile safety', () => {
  const reconcileDeps = (
    extra: Partial<Parameters<typeof runDeletionReconcile>[1]> = {},
  ): Parameters<typeof runDeletionReconcile>[1] => ({
    ...world.lifecycle,
    resource: customersResource,
    inventory: world.lifecycle.customers,
    writes: world.customerStore,
    overlapMinutes: 0,
    ...extra,
  });
  const current = async (integrationId: string) => (await world.lifecycle.integrations.get(integrationId))!;

  it('never marks a live customer the listing missed: deletions are confirmed by a direct lookup', async () => {
    const { shop, integration, customers } = await connectedShopWithCustomers('recon-short', 'org-rs', 12);
    // The id listing ends silently after 5 customers, as a listing at Shopify's limit may.
    shop.maxPaginatedObjects = 5;
    shop.paginationLimitBehaviour = 'silentStop';
    const deleted = customers.slice(8, 10);
    for (const customer of deleted) shop.resources.customers.delete(customer.id);
    shop.takeDeliveries();

    const later = new Date(Date.now() + 10 * 60_000);
    const result = await runDeletionReconcile(
      await current(integration.integrationId),
      reconcileDeps({ now: () => later }),
      { force: true },
    );

    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 5, candidates: 7 });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(
      deleted.map((c) => c.id).sort(),
    );
    for (const customer of customers) {
      expect((await stored('org-rs', customer.id))?.status).toBe(
        deleted.includes(customer) ? 'INACTIVE' : 'ACTIVE',
      );
    }
  });

  it('lists a store above the bulk threshold by bulk operation and marks exactly the deleted customers', async () => {
    const { shop, integration, customers } = await connectedShopWithCustomers('recon-bulk', 'org-rbk', 40);
    const deleted = [customers[2]!, customers[17]!, customers[39]!];
    for (const customer of deleted) shop.resources.customers.delete(customer.id);
    shop.takeDeliveries();
    const later = new Date(Date.now() + 10 * 60_000);

    const result = await runDeletionReconcile(
      await current(integration.integrationId),
      reconcileDeps({
        now: () => later,
        bulk: {
          results: createJsonlReader(),
          threshold: 10,
          pollDelayMs: 5,
          listings: createReconcileListingStore(tables.doc, tables.names.SyncRuns),
        },
      }),
    );

    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 37, backfilled: [] });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(
      deleted.map((c) => c.id).sort(),
    );
    expect(shop.requests().filter((r) => r.operationName === 'CustomerIdsPage')).toHaveLength(0);
    expect(shop.bulk.all().map((op) => op.status)).toEqual(['COMPLETED']);
  });

  it('a bulk listing killed mid-file resumes from its line offset and marks exactly the deleted customers', async () => {
    const shopDomain = 'recon-resume.myshopify.com';
    const token = 'shpat_recon_resume';
    const shop = world.simulator.createShop({
      shopDomain,
      accessToken: token,
      seed: ++seed,
      seedCustomers: 2500,
      plan: { restoreRate: 20_000, maximumAvailable: 40_000 },
    });
    const { integration } = await connectIntegration(
      { organizationId: 'org-rres', shopDomain, accessToken: token },
      world.lifecycle,
    );
    const listings = createReconcileListingStore(tables.doc, tables.names.SyncRuns);
    const bulkDeps = (store = listings, now = new Date()) =>
      reconcileDeps({
        now: () => now,
        bulk: { results: createJsonlReader(), threshold: 10, pollDelayMs: 5, listings: store },
      });
    // The mirror starts empty: the first reconcile backfills the whole store by id.
    const first = await runDeletionReconcile(await current(integration.integrationId), bulkDeps(), {
      force: true,
    });
    expect(first).toMatchObject({ outcome: 'reconciled', idsListed: 2500, markedInactive: [] });
    expect(first.outcome === 'reconciled' && first.backfilled.length).toBe(2500);

    const deleted = [
      shop.resources.customers.list()[3]!,
      shop.resources.customers.list()[1200]!,
      shop.resources.customers.list()[2499]!,
    ];
    for (const customer of deleted) shop.resources.customers.delete(customer.id);
    shop.takeDeliveries(); // their webhooks never arrive
    const killedAt = new Date(Date.now() + 10 * 60_000);
    const added: number[] = [];
    const killedOnSecondBatch: typeof listings = {
      ...listings,
      addIds: async (...args) => {
        if (added.length === 1) throw new Error('worker killed');
        added.push(args[3].length);
        return listings.addIds(...args);
      },
    };
    await expect(
      runDeletionReconcile(
        await current(integration.integrationId),
        bulkDeps(killedOnSecondBatch, killedAt),
        {
          force: true,
        },
      ),
    ).rejects.toThrow('worker killed');
    expect(await listings.checkpoint(integration.integrationId, 'customers')).toMatchObject({
      line: 1000,
      listed: false,
    });

    const resumed: number[] = [];
    const counting: typeof listings = {
      ...listings,
      addIds: async (...args) => {
        resumed.push(args[3].length);
        return listings.addIds(...args);
      },
    };
    const operationsBefore = shop.bulk.all().length;
    const result = await runDeletionReconcile(
      await current(integration.integrationId),
      bulkDeps(counting, new Date(killedAt.getTime() + 10 * 60_000)),
    );

    expect(result).toMatchObject({ outcome: 'reconciled', idsListed: 2497, backfilled: [] });
    expect(result.outcome === 'reconciled' && [...result.markedInactive].sort()).toEqual(
      deleted.map((c) => c.id).sort(),
    );
    // The same operation, from line 1000: 1,497 ids read, none twice.
    expect(shop.bulk.all()).toHaveLength(operationsBefore);
    expect(resumed.reduce((sum, n) => sum + n, 0)).toBe(1497);
    for (const customer of deleted)
      expect(await stored('org-rres', customer.id)).toMatchObject({
        status: 'INACTIVE',
        deleteReason: 'reconciled',
        // Judged as of the listing's start, in the killed invocation.
        deletedAt: killedAt.toISOString(),
      });
    const active = (await world.lifecycle.customers.countByStatus(integration.integrationId)).ACTIVE;
    expect(active).toBe(2497);
    expect(await listings.checkpoint(integration.integrationId, 'customers')).toBeUndefined();
  }, 120_000);

  it('concludes nothing from a page that says hasNextPage but holds no ids', async () => {
    const { shop, integration, customers } = await connectedShopWithCustomers('recon-empty', 'org-re', 6);
    shop.resources.customers.delete(customers[0]!.id);
    shop.takeDeliveries();
    // The first id page comes back empty while still promising more.
    const connector: typeof world.lifecycle.shopify = (domain, token) => {
      const client = world.lifecycle.shopify(domain, token);
      return {
        ...client,
        query: async (document, variables, schema, options) => {
          const result = await client.query(document, variables, schema, options);
          if (!document.includes('query CustomerIdsPage')) return result;
          const empty = { customers: { nodes: [], pageInfo: { hasNextPage: true, endCursor: 'more' } } };
          return { ...result, data: empty as typeof result.data };
        },
      };
    };
    const later = new Date(Date.now() + 10 * 60_000);

    const result = await runDeletionReconcile(
      await current(integration.integrationId),
      reconcileDeps({ shopify: connector, now: () => later }),
      { force: true },
    );

    expect(result).toMatchObject({ outcome: 'incomplete', idsListed: 0 });
    for (const customer of customers) expect((await stored('org-re', customer.id))?.status).toBe('ACTIVE');
    expect((await current(integration.integrationId)).resourceReconciledAt).toBeUndefined();
  });

  it('fetches by id and writes the customers Shopify lists but the mirror lacks (backfill)', async () => {
    const { shop, integration } = await connectedShopWithCustomers('recon-backfill', 'org-rb', 3);
    const missed = Array.from({ length: 4 }, (_, n) =>
      shop.resources.customers.create({ firstName: `Missed${n}`, email: `missed${n}@example.com` }),
    );
    shop.takeDeliveries(); // their webhooks never arrive

    const result = await runDeletionReconcile(await current(integration.integrationId), reconcileDeps());

    expect(result.outcome === 'reconciled' && [...result.backfilled].sort()).toEqual(
      missed.map((c) => c.id).sort(),
    );
    for (const customer of missed) {
      expect(await stored('org-rb', customer.id)).toMatchObject({
        status: 'ACTIVE',
        firstName: customer.firstName,
        email: customer.email,
      });
    }
    const after = await current(integration.integrationId);
    expect(after.countMismatch?.['customers']).toBeUndefined();
  });

  it('a delete webhook that lands while the reconcile confirms the same delete stays final', async () => {
    const { shop, shopDomain, integration, customers } = await connectedShopWithCustomers(
      'recon-race',
      'org-rr',
      1,
    );
    const [customer] = customers;
    // The reconcile starts after the stored snapshot and before the update and delete below.
    const startedAt = new Date(customer!.updatedAt + 500);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt.getTime() + 600 - Date.now())));
    shop.resources.customers.update(customer!.id, { firstName: 'Edited' });
    const [lateUpdate] = shop.takeDeliveries(); // delivered only after the reconcile, as Shopify may
    shop.resources.customers.delete(customer!.id);
    const [deleteWebhook] = shop.takeDeliveries();
    const send = (delivery: typeof deleteWebhook) =>
      world.deliver(shopDomain, delivery!.headers['X-Shopify-Topic']!, delivery!.body);

    const result = await runDeletionReconcile(
      await current(integration.integrationId),
      reconcileDeps({
        now: () => startedAt,
        // The webhook's delete lands between the reconcile's lookup and its own write.
        writes: {
          ...world.customerStore,
          markDeleted: async (...args) => {
            expect((await send(deleteWebhook)).status).toBe(200);
            return world.customerStore.markDeleted(...args);
          },
        },
      }),
      { force: true },
    );
    expect(result).toMatchObject({ outcome: 'reconciled', candidates: 1, markedInactive: [] });
    expect(await stored('org-rr', customer!.id)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
    });

    // The update from before the delete, delivered late: it postdates the reconcile's start, but
    // the delete it would revive is Shopify's own.
    await send(lateUpdate);
    expect(await stored('org-rr', customer!.id)).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
      firstName: 'Edited',
    });
  });

  it('records a mismatch that outlasts a reconcile and does not retry it until the counts change', async () => {
    const { shop, integration, shopDomain } = await connectedShopWithCustomers('recon-lasting', 'org-rl', 3);
    // An ACTIVE item Shopify does not have, changed too recently to be judged: the counts stay apart.
    const lasting: string[] = [];
    const recent = new Date(Date.now() + 60 * 60_000).toISOString();
    await world.customerStore.upsert(
      toRecord<CustomerRecord>(
        'Customer',
        {
          shopifyId: '9999999999777',
          firstName: null,
          lastName: null,
          email: null,
          phone: null,
          state: 'ENABLED',
          verifiedEmail: false,
          taxExempt: false,
          taxExemptions: [],
          note: null,
          defaultAddress: null,
          createdAt: recent,
          shopifyUpdatedAt: recent,
        },
        { organizationId: 'org-rl', integrationId: integration.integrationId, shopDomain },
      ),
    );
    const deps = reconcileDeps({ onLastingMismatch: (i) => lasting.push(i.integrationId) });

    const first = await runDeletionReconcile(await current(integration.integrationId), deps);
    expect(first).toMatchObject({ outcome: 'reconciled', mismatch: { shopifyCount: 3, storedActive: 4 } });
    expect(lasting).toEqual([integration.integrationId]);
    expect((await current(integration.integrationId)).countMismatch).toMatchObject({
      customers: { shopifyCount: 3, storedActive: 4 },
    });

    const again = await runDeletionReconcile(await current(integration.integrationId), deps);
    expect(again).toEqual({ outcome: 'skipped', shopifyCount: 3, storedActive: 4 });

    const gone = shop.resources.customers.list()[0]!;
    shop.resources.customers.delete(gone.id);
    shop.takeDeliveries();
    const later = new Date(Date.now() + 10 * 60_000);
    const changed = await runDeletionReconcile(await current(integration.integrationId), {
      ...deps,
      now: () => later,
    });
    expect(changed).toMatchObject({ outcome: 'reconciled', markedInactive: [gone.id] });
  });
});

describe('the write rules around a reconcile-made delete', () => {
  const record = (shopifyId: string, updatedAt: string, firstName: string) =>
    toRecord<CustomerRecord>(
      'Customer',
      {
        shopifyId,
        firstName,
        lastName: null,
        email: null,
        phone: null,
        state: 'ENABLED',
        verifiedEmail: false,
        taxExempt: false,
        taxExemptions: [],
        note: null,
        defaultAddress: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        shopifyUpdatedAt: updatedAt,
      },
      { organizationId: 'org-rule', integrationId: 'int-rule', shopDomain: 'rule.myshopify.com' },
    );
  const key = (shopifyId: string) => ({
    organizationId: 'org-rule',
    shopifyId,
    integrationId: 'int-rule',
    shopDomain: 'rule.myshopify.com',
  });

  it('a newer snapshot reverses a reconcile-made INACTIVE; an older one does not', async () => {
    await world.customerStore.upsert(record('501', '2026-02-01T00:00:00.000Z', 'A'));
    await world.customerStore.markDeleted(key('501'), '2026-03-01T00:00:00.000Z', 'reconciled');

    expect(await world.customerStore.upsert(record('501', '2026-02-15T00:00:00.000Z', 'Older'))).toBe(
      'written',
    );
    expect(await stored('org-rule', '501')).toMatchObject({ status: 'INACTIVE', firstName: 'Older' });

    expect(await world.customerStore.upsert(record('501', '2026-03-02T00:00:00.000Z', 'Alive'))).toBe(
      'written',
    );
    const revived = await stored('org-rule', '501');
    expect(revived).toMatchObject({ status: 'ACTIVE', firstName: 'Alive' });
    expect(revived).not.toHaveProperty('deletedAt');
    expect(revived).not.toHaveProperty('deleteReason');
  });

  it('a webhook-made delete stays, and replaces a reconcile-made one', async () => {
    await world.customerStore.upsert(record('502', '2026-02-01T00:00:00.000Z', 'B'));
    await world.customerStore.markDeleted(key('502'), '2026-03-01T00:00:00.000Z', 'reconciled');
    expect(await world.customerStore.markDeleted(key('502'), '2026-03-05T00:00:00.000Z', 'webhook')).toBe(
      'written',
    );
    expect(await stored('org-rule', '502')).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
      deletedAt: '2026-03-05T00:00:00.000Z',
    });

    expect(await world.customerStore.upsert(record('502', '2026-03-09T00:00:00.000Z', 'Late'))).toBe(
      'written',
    );
    expect(await stored('org-rule', '502')).toMatchObject({ status: 'INACTIVE', deleteReason: 'webhook' });
  });

  it('a reconcile-made delete never replaces a webhook-made one, even an earlier-stamped one', async () => {
    await world.customerStore.upsert(record('503', '2026-02-01T00:00:00.000Z', 'C'));
    await world.customerStore.markDeleted(key('503'), '2026-03-05T00:00:00.000Z', 'webhook');
    // The reconcile stamps its start, which can precede the delete it confirmed.
    expect(await world.customerStore.markDeleted(key('503'), '2026-03-01T00:00:00.000Z', 'reconciled')).toBe(
      'unchanged',
    );
    expect(await stored('org-rule', '503')).toMatchObject({
      status: 'INACTIVE',
      deleteReason: 'webhook',
      deletedAt: '2026-03-05T00:00:00.000Z',
    });
    expect(await world.customerStore.upsert(record('503', '2026-03-03T00:00:00.000Z', 'Between'))).toBe(
      'written',
    );
    expect(await stored('org-rule', '503')).toMatchObject({ status: 'INACTIVE', deleteReason: 'webhook' });
  });

  it('of two reconcile-made deletes the earlier stays', async () => {
    await world.customerStore.upsert(record('504', '2026-02-01T00:00:00.000Z', 'D'));
    await world.customerStore.markDeleted(key('504'), '2026-03-05T00:00:00.000Z', 'reconciled');
    expect(await world.customerStore.markDeleted(key('504'), '2026-03-01T00:00:00.000Z', 'reconciled')).toBe(
      'written',
    );
    expect(await world.customerStore.markDeleted(key('504'), '2026-03-09T00:00:00.000Z', 'reconciled')).toBe(
      'unchanged',
    );
    expect(await stored('org-rule', '504')).toMatchObject({ deletedAt: '2026-03-01T00:00:00.000Z' });
  });
});
