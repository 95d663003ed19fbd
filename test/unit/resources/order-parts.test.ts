import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../lambdas/resources/orders/record.js';
import {
  fulfillmentFromRest,
  refundFromRest,
  withFulfillment,
  withRefund,
} from '../../../lambdas/resources/orders/shopify/mapping.js';
import {
  fulfillmentPayloadSchema,
  refundPayloadSchema,
} from '../../../lambdas/resources/orders/shopify/payloads.js';

const fulfillment = (overrides: Record<string, unknown> = {}) =>
  fulfillmentPayloadSchema.parse({
    id: '900',
    order_id: '5',
    status: 'success',
    created_at: '2026-03-01T10:00:00-05:00',
    updated_at: '2026-03-01T10:00:00-05:00',
    location_id: null,
    tracking_company: 'UPS',
    tracking_numbers: ['1Z1'],
    tracking_urls: ['https://ups.example/1Z1'],
    line_items: [
      { id: '12', quantity: 2 },
      { id: '3', quantity: 1 },
    ],
    ...overrides,
  });

const refund = (overrides: Record<string, unknown> = {}) =>
  refundPayloadSchema.parse({
    id: '700',
    order_id: '5',
    created_at: '2026-03-02T09:00:00Z',
    note: '',
    refund_line_items: [
      {
        line_item_id: '3',
        quantity: 1,
        subtotal_set: {
          shop_money: { amount: '10.00', currency_code: 'USD' },
          presentment_money: { amount: '9.10', currency_code: 'EUR' },
        },
      },
    ],
    transactions: [
      { id: '41', kind: 'refund', status: 'success', amount: '9.10', currency: 'EUR' },
      { id: '40', kind: 'refund', status: 'failure', amount: '9.10', currency: 'EUR' },
    ],
    ...overrides,
  });

const order = (parts: Partial<Pick<OrderRecord, 'fulfillments' | 'refunds'>>) =>
  ({ shopifyId: '5', presentmentCurrency: 'EUR', fulfillments: [], refunds: [], ...parts }) as OrderRecord;

describe("an order's fulfillments and refunds from REST", () => {
  it('maps a fulfillment as GraphQL states it: upper-case status, UTC times, one tracking entry per number, lines by id', () => {
    expect(fulfillmentFromRest(fulfillment())).toEqual({
      id: '900',
      status: 'SUCCESS',
      createdAt: '2026-03-01T15:00:00.000Z',
      updatedAt: '2026-03-01T15:00:00.000Z',
      locationId: null,
      trackingInfo: [{ company: 'UPS', number: '1Z1', url: 'https://ups.example/1Z1' }],
      lineItems: [
        { lineItemId: '3', quantity: 1 },
        { lineItemId: '12', quantity: 2 },
      ],
    });
    expect(
      fulfillmentFromRest(fulfillment({ tracking_numbers: [], tracking_urls: [] })).trackingInfo,
    ).toEqual([{ company: 'UPS', number: null, url: null }]);
    expect(
      fulfillmentFromRest(fulfillment({ tracking_company: null, tracking_numbers: [], tracking_urls: [] }))
        .trackingInfo,
    ).toEqual([]);
  });

  it('totals a refund as its successful REFUND transactions (REST states no total), in their currency', () => {
    const mapped = refundFromRest(refund(), 'EUR');
    expect(mapped.totalRefunded).toEqual({ amount: '9.10', currencyCode: 'EUR' });
    expect(mapped.note).toBeNull();
    expect(mapped.transactions.map((t) => [t.id, t.status])).toEqual([
      ['40', 'FAILURE'],
      ['41', 'SUCCESS'],
    ]);
    expect(mapped.lineItems[0]!.subtotal).toEqual({
      shop: { amount: '10.00', currencyCode: 'USD' },
      presentment: { amount: '9.10', currencyCode: 'EUR' },
    });
    expect(refundFromRest(refund({ transactions: [] }), 'EUR').totalRefunded).toEqual({
      amount: '0.00',
      currencyCode: 'EUR',
    });
  });
});

describe('merging a part into the stored order', () => {
  it('a fulfillment lands when absent or newer, never over a newer one of its id', () => {
    const first = withFulfillment(order({}), fulfillment())!;
    expect(first.fulfillments.map((f) => f.id)).toEqual(['900']);
    const later = fulfillment({ updated_at: '2026-03-01T11:00:00-05:00', tracking_numbers: ['1Z2'] });
    const retracked = withFulfillment(first, later)!;
    expect(retracked.fulfillments).toHaveLength(1);
    expect(retracked.fulfillments[0]!.trackingInfo[0]!.number).toBe('1Z2');
    expect(withFulfillment(retracked, fulfillment())).toBeUndefined();
    expect(withFulfillment(retracked, later)).toBeUndefined();
    // Another fulfillment joins in id order.
    const second = withFulfillment(retracked, fulfillment({ id: '1000' }))!;
    expect(second.fulfillments.map((f) => f.id)).toEqual(['900', '1000']);
  });

  it('a refund lands once; an order stored before parts existed takes it as its first', () => {
    const legacy = { shopifyId: '5', presentmentCurrency: 'EUR' } as OrderRecord;
    const merged = withRefund(legacy, refund())!;
    expect(merged.refunds.map((r) => r.id)).toEqual(['700']);
    expect(withRefund(merged, refund())).toBeUndefined();
    expect(withRefund(merged, refund({ id: '69' }))!.refunds.map((r) => r.id)).toEqual(['69', '700']);
  });
});
