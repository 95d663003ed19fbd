/** The order, whatever it is mirrored from: its table, its lookups, its record and what erasure removes. */
import type { ResourceBase } from '../kit/definition.js';
import { orderPersonalFields, orderRecordSchema } from './record.js';

export const ordersDefinition = {
  name: 'orders',
  // Orders of one customer: `?customerId=` on the read API, by index.
  table: { id: 'Orders', lookups: [{ attribute: 'customerId' }] },
  // The sale stays (it is the merchant's record); what identifies or reaches the buyer goes.
  personalData: orderPersonalFields,
  // A fulfillment changes after its order (tracking); a refund is never edited once created.
  partLists: [
    { field: 'fulfillments', version: 'updatedAt' },
    { field: 'refunds', version: 'createdAt' },
  ],
  recordSchema: orderRecordSchema,
} as const satisfies ResourceBase<'Orders'>;
