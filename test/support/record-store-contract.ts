/**
 * The mirror write rules (lambdas/core/resources/record-writes.ts) as one contract, run against
 * every implementation of the record store: in memory in a unit test, DynamoDB Local in an
 * integration test. Each case states an outcome a rule promises and checks what is stored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomerRecord } from '../../lambdas/resources/customers/record.js';
import type { OrderFulfillment, OrderRecord, OrderRefund } from '../../lambdas/resources/orders/record.js';
import type { RecordErasure } from '../../lambdas/core/integrations/ports.js';
import type { RecordStore } from '../../lambdas/core/records/record-writes.js';
import { customersResource } from '../../lambdas/resources/customers/index.js';

export interface RecordStoreUnderTest {
  /** A store of customer records that writes webhook receipts. */
  readonly store: RecordStore<CustomerRecord>;
  readonly erasure: Pick<RecordErasure, 'redact'>;
  /** The same store for a resource whose keys come back after a delete (`reusedKeys`). */
  readonly reusedKeys: RecordStore<CustomerRecord>;
  /** A store of order records, whose fulfillments and refunds are versioned parts (rule 6). */
  readonly orders: RecordStore<OrderRecord>;
}

/** Registers the contract's cases; `open` gives a store on empty tables (or fresh ids). */
export const recordStoreContract = (implementation: string, open: () => RecordStoreUnderTest): void => {
  describe(`the record store's write rules (${implementation})`, () => {
    const organizationId = () => `org-${randomUUID().slice(0, 8)}`;
    const owner = (org: string) => ({
      organizationId: org,
      integrationId: 'int-1',
      shopDomain: 'c.myshopify.com',
    });
    const customer = (org: string, updatedAt: string, firstName = 'Ada'): CustomerRecord =>
      customersResource.toRecord!(
        {
          id: 'gid://shopify/Customer/7',
          firstName,
          lastName: null,
          defaultEmailAddress: null,
          defaultPhoneNumber: null,
          state: 'ENABLED',
          verifiedEmail: true,
          taxExempt: false,
          taxExemptions: [],
          note: '',
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt,
          defaultAddress: null,
        },
        owner(org),
      );
    const key = (org: string) => ({ ...owner(org), shopifyId: '7' });
    const T1 = '2026-03-01T10:00:00.000Z';
    const T2 = '2026-03-01T11:00:00.000Z';
    const T3 = '2026-03-01T12:00:00.000Z';

    it('a stale update never overwrites a newer one; an equal timestamp rewrites', async () => {
      const { store } = open();
      const org = organizationId();
      expect(await store.upsert(customer(org, T2, 'Newer'))).toBe('written');
      expect(await store.upsert(customer(org, T1, 'Older'))).toBe('stale');
      expect((await store.get(org, '7'))?.firstName).toBe('Newer');
      expect(await store.upsert(customer(org, T2, 'Same second'))).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({ firstName: 'Same second', status: 'ACTIVE' });
    });

    it('a webhook delete is final: a later snapshot fills the record but never makes it active', async () => {
      const { store } = open();
      const org = organizationId();
      await store.upsert(customer(org, T1));
      expect(await store.markDeleted(key(org), T2, 'webhook')).toBe('written');
      expect(await store.upsert(customer(org, T3, 'After'))).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({
        firstName: 'After',
        status: 'INACTIVE',
        deletedAt: T2,
        deleteReason: 'webhook',
      });
    });

    it('create→delete and delete→create end identical (a delete of an unknown record leaves a tombstone)', async () => {
      const { store } = open();
      const first = organizationId();
      const second = organizationId();
      await store.upsert(customer(first, T1));
      await store.markDeleted(key(first), T2, 'webhook');
      expect(await store.markDeleted(key(second), T2, 'webhook')).toBe('written');
      expect(await store.get(second, '7')).toMatchObject({ status: 'INACTIVE', integrationId: 'int-1' });
      await store.upsert(customer(second, T1));
      // Apart from the organization and what derives from it (a DynamoDB store's index shard).
      const withoutOrganization = async (organization: string) => {
        const item: Record<string, unknown> = { ...(await store.get(organization, '7'))! };
        delete item['organizationId'];
        delete item['updatedShard'];
        return item;
      };
      expect(await withoutOrganization(second)).toEqual(await withoutOrganization(first));
    });

    it('the earliest deletion wins; a later or repeated delete changes nothing', async () => {
      const { store } = open();
      const org = organizationId();
      expect(await store.markDeleted(key(org), T2, 'webhook')).toBe('written');
      expect(await store.markDeleted(key(org), T3, 'webhook')).toBe('unchanged');
      expect(await store.markDeleted(key(org), T2, 'webhook')).toBe('unchanged');
      expect(await store.markDeleted(key(org), '2026-03-01T10:30:00+01:00', 'webhook')).toBe('written');
      expect((await store.get(org, '7'))?.deletedAt).toBe('2026-03-01T09:30:00.000Z');
    });

    it('a snapshot updated after a reconcile-made delete reverses it; an older one does not', async () => {
      const { store } = open();
      const org = organizationId();
      await store.upsert(customer(org, T1));
      expect(await store.markDeleted(key(org), T2, 'reconciled')).toBe('written');
      expect(await store.upsert(customer(org, T1, 'Same as before'))).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({ status: 'INACTIVE', deleteReason: 'reconciled' });
      expect(await store.upsert(customer(org, T3, 'Alive'))).toBe('written');
      const stored = await store.get(org, '7');
      expect(stored).toMatchObject({ status: 'ACTIVE', firstName: 'Alive' });
      expect(stored).not.toHaveProperty('deletedAt');
      expect(stored).not.toHaveProperty('deleteReason');
    });

    it('a reused key comes back with a snapshot newer than its delete; a delete older than the stored snapshot changes nothing', async () => {
      const store = open().reusedKeys;
      const org = organizationId();
      await store.upsert(customer(org, T1));
      expect(await store.markDeleted(key(org), T2, 'webhook')).toBe('written');
      expect(await store.upsert(customer(org, T1, 'Before the delete'))).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({ status: 'INACTIVE', deletedAt: T2 });
      expect(await store.upsert(customer(org, T3, 'Connected again'))).toBe('written');
      const back = await store.get(org, '7');
      expect(back).toMatchObject({ status: 'ACTIVE', firstName: 'Connected again' });
      expect(back).not.toHaveProperty('deletedAt');
      // The first delete, delivered late: of the key's earlier life.
      expect(await store.markDeleted(key(org), T2, 'webhook')).toBe('unchanged');
      expect(await store.get(org, '7')).toMatchObject({ status: 'ACTIVE' });
      expect(await store.markDeleted(key(org), '2026-03-01T13:00:00.000Z', 'webhook')).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({ status: 'INACTIVE', deleteReason: 'webhook' });
    });

    it("a webhook delete replaces a reconcile's; a reconcile's never replaces a webhook's", async () => {
      const { store } = open();
      const org = organizationId();
      await store.markDeleted(key(org), T1, 'reconciled');
      expect(await store.markDeleted(key(org), T3, 'webhook')).toBe('written');
      expect(await store.get(org, '7')).toMatchObject({ deletedAt: T3, deleteReason: 'webhook' });
      expect(await store.markDeleted(key(org), T1, 'reconciled')).toBe('unchanged');
      expect(await store.get(org, '7')).toMatchObject({ deletedAt: T3, deleteReason: 'webhook' });
    });

    it('a redacted record is never written again, by a snapshot or a delete', async () => {
      const { store, erasure } = open();
      const org = organizationId();
      await store.upsert(customer(org, T1));
      await erasure.redact({ ...key(org), redactedAt: T2 });
      expect(await store.upsert(customer(org, T3, 'Back'))).toBe('redacted');
      expect(await store.markDeleted(key(org), T3, 'webhook')).toBe('redacted');
      const stored = await store.get(org, '7');
      expect(stored).toMatchObject({ status: 'REDACTED', redactedAt: T2 });
      expect(stored).not.toHaveProperty('firstName');
      expect(await store.upsertMany([customer(org, T3)])).toEqual({ written: 0, stale: 0, redacted: 1 });
    });

    it('a write with a receipt happens once, across organizations, whatever its outcome', async () => {
      const { store } = open();
      const org = organizationId();
      const receipt = { digest: randomUUID() };
      expect(await store.upsert(customer(org, T2), receipt)).toBe('written');
      expect(await store.upsert(customer(organizationId(), T3), receipt)).toBe('duplicate');
      const stale = { digest: randomUUID() };
      expect(await store.upsert(customer(org, T1), stale)).toBe('stale');
      expect(await store.upsert(customer(org, T3), stale)).toBe('duplicate');
      expect((await store.get(org, '7'))?.shopifyUpdatedAt).toBe(T2);
      const deletion = { digest: randomUUID() };
      expect(await store.markDeleted(key(org), T3, 'webhook', deletion)).toBe('written');
      expect(await store.markDeleted(key(organizationId()), T3, 'webhook', deletion)).toBe('duplicate');
    });

    describe('versioned parts (rule 6)', () => {
      const T4 = '2026-03-01T13:00:00.000Z';
      const shipped = (updatedAt: string, number: string): OrderFulfillment => ({
        id: '900',
        status: 'SUCCESS',
        createdAt: T1,
        updatedAt,
        locationId: null,
        trackingInfo: [{ company: 'UPS', number, url: null }],
        lineItems: [{ lineItemId: '3', quantity: 1 }],
      });
      const refunded = (id: string, createdAt: string): OrderRefund => ({
        id,
        createdAt,
        note: null,
        totalRefunded: { amount: '5.00', currencyCode: 'EUR' },
        lineItems: [],
        transactions: [],
      });
      // Only what the rules read: the store writes any record's fields as they are.
      const order = (
        org: string,
        updatedAt: string,
        note: string,
        parts: Pick<OrderRecord, 'fulfillments' | 'refunds'>,
      ) =>
        ({
          ...owner(org),
          shopifyId: '5',
          shopifyGid: 'gid://shopify/Order/5',
          shopifyUpdatedAt: updatedAt,
          source: 'SHOPIFY',
          note,
          ...parts,
        }) as unknown as OrderRecord;
      const partsOf = async (store: RecordStore<OrderRecord>, org: string) => {
        const stored = await store.get(org, '5');
        return { note: stored?.note, fulfillments: stored?.fulfillments, refunds: stored?.refunds };
      };

      it('a snapshot newer than the stored one but older than a merged part lands and keeps the part', async () => {
        const { orders } = open();
        const org = organizationId();
        await orders.upsert(order(org, T1, 'first', { fulfillments: [shipped(T1, 'A')], refunds: [] }));
        // Part topics: the tracking changed at T3 and a refund was made at T3, merged under T1.
        const merged = { fulfillments: [shipped(T3, 'B')], refunds: [refunded('700', T3)] };
        expect(await orders.upsert(order(org, T1, 'first', merged))).toBe('written');
        // A late orders/updated of T2: its own fields land, the newer parts stay.
        const late = order(org, T2, 'second', { fulfillments: [shipped(T1, 'A')], refunds: [] });
        expect(await orders.upsert(late, { digest: randomUUID() })).toBe('written');
        expect(await partsOf(orders, org)).toEqual({ note: 'second', ...merged });
        expect((await orders.get(org, '5'))?.shopifyUpdatedAt).toBe(T2);
        // Through a full sync's batch too, with or without the guess that records are new.
        const batch = order(org, T2, 'third', { fulfillments: [shipped(T1, 'A')], refunds: [] });
        const newRecords = { worthTrying: true, observe: () => undefined };
        expect(await orders.upsertMany([batch], { concurrency: 1, newRecords })).toEqual({
          written: 1,
          stale: 0,
          redacted: 0,
        });
        expect(await partsOf(orders, org)).toEqual({ note: 'third', ...merged });
      });

      it('a snapshot showing the parts at their version or later replaces the lists; an older one stays stale', async () => {
        const { orders } = open();
        const org = organizationId();
        await orders.upsert(order(org, T1, 'first', { fulfillments: [shipped(T3, 'B')], refunds: [] }));
        // Its fulfillment at T4 shows an instant after T3: every stored part is in it as new or newer.
        const later = { fulfillments: [shipped(T4, 'C')], refunds: [refunded('700', T2)] };
        expect(await orders.upsert(order(org, T2, 'second', later))).toBe('written');
        expect(await partsOf(orders, org)).toEqual({ note: 'second', ...later });
        expect(await orders.upsert(order(org, T1, 'older', { fulfillments: [], refunds: [] }))).toBe('stale');
        expect(await partsOf(orders, org)).toEqual({ note: 'second', ...later });
      });

      it('the order of a part merge and a late snapshot does not change what is stored', async () => {
        const { orders } = open();
        const [first, second] = [organizationId(), organizationId()];
        const base = order(first, T1, 'first', { fulfillments: [shipped(T1, 'A')], refunds: [] });
        const part = (org: string) =>
          order(org, T1, 'first', { fulfillments: [shipped(T3, 'B')], refunds: [refunded('701', T3)] });
        const late = (org: string) =>
          order(org, T2, 'second', { fulfillments: [shipped(T1, 'A')], refunds: [refunded('700', T1)] });
        await orders.upsert(base);
        await orders.upsert(part(first));
        await orders.upsert(late(first));
        await orders.upsert({ ...base, organizationId: second });
        await orders.upsert(late(second));
        // The part topic reads the stored order and merges its part into it (resource-topics.ts).
        const stored = (await orders.get(second, '5'))!;
        await orders.upsert({
          ...late(second),
          fulfillments: [shipped(T3, 'B')],
          refunds: [...stored.refunds!, refunded('701', T3)],
        });
        expect(await partsOf(orders, second)).toEqual(await partsOf(orders, first));
        expect((await partsOf(orders, first)).refunds?.map((refund) => refund.id)).toEqual(['700', '701']);
      });
    });

    it("a full sync's guess that its records are new changes no outcome, whatever is stored", async () => {
      const { store, erasure } = open();
      const priorStates: Record<string, (org: string) => Promise<unknown>> = {
        nothing: async () => undefined,
        'a newer snapshot': (org) => store.upsert(customer(org, T3, 'Newer')),
        'an older snapshot': (org) => store.upsert(customer(org, T1, 'Older')),
        'a webhook tombstone': (org) => store.markDeleted(key(org), T1, 'webhook'),
        'an older reconcile-made delete': async (org) => {
          await store.upsert(customer(org, T1));
          await store.markDeleted(key(org), T1, 'reconciled');
        },
        'a redaction': (org) => erasure.redact({ ...key(org), redactedAt: T1 }),
      };
      // Apart from the organization and what derives from it (a DynamoDB store's index shard).
      const stripped = async (org: string) => {
        const item: Record<string, unknown> = { ...(await store.get(org, '7')) };
        delete item['organizationId'];
        if (item['updatedShard'] !== undefined) item['updatedShard'] = 'present';
        return item;
      };
      for (const [state, prepare] of Object.entries(priorStates)) {
        const [merged, guessed] = [organizationId(), organizationId()];
        await prepare(merged);
        await prepare(guessed);
        const observed: boolean[] = [];
        const newRecords = { worthTrying: true, observe: (existed: boolean) => observed.push(existed) };
        const counts = await store.upsertMany([customer(merged, T2, 'Batch')], { concurrency: 1 });
        expect(
          await store.upsertMany([customer(guessed, T2, 'Batch')], { concurrency: 1, newRecords }),
          state,
        ).toEqual(counts);
        expect(await stripped(guessed), state).toEqual(await stripped(merged));
        // A store that tries creating tells the guess whether the item existed.
        for (const existed of observed) expect(existed, state).toBe(state !== 'nothing');
      }
    });

    it('a batch counts what it wrote, what was stale and what was redacted', async () => {
      const { store, erasure } = open();
      const org = organizationId();
      const other = organizationId();
      await store.upsert(customer(org, T2));
      await erasure.redact({ ...key(other), redactedAt: T1 });
      const counts = await store.upsertMany(
        [customer(org, T1), customer(other, T3), customer(organizationId(), T1)],
        {
          concurrency: 2,
        },
      );
      expect(counts).toEqual({ written: 1, stale: 1, redacted: 1 });
    });
  });
};
