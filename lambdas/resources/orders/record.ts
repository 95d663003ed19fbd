/**
 * The canonical order record. Webhooks (REST-shaped `orders/*` payloads) and the sync (GraphQL
 * nodes) both map into this one shape, so the same order always yields the identical item. This
 * schema is its only statement: the type, the read API's contract and the typed client follow it.
 * Money is an exact decimal string with its currency, never a float (kit/money.ts).
 */
import * as z from 'zod';
import { metafieldsFieldSchema } from '../kit/metafields.js';
import { moneyPairSchema, moneySchema } from '../kit/money.js';
import { mirroredRecordSchema, type RecordFields } from '../kit/mirrored-record.js';
import { nullableTextSchema, postalAddressShape, timestampSchema } from '../kit/record-schema.js';

export type { Money, MoneyPair } from '../kit/money.js';

/** The postal fields every Shopify address has (no id of its own on an order). */
export const orderAddressSchema = z.looseObject(postalAddressShape).meta({ id: 'OrderAddress' });
export type OrderAddress = z.infer<typeof orderAddressSchema>;

export const orderLineItemSchema = z
  .looseObject({
    id: z.string(),
    title: z.string(),
    quantity: z.number().int(),
    sku: nullableTextSchema,
    variantId: nullableTextSchema,
    productId: nullableTextSchema,
    unitPrice: moneySchema,
    discountedTotal: moneySchema.meta({ description: "Quantity x unit price, minus the line's discounts" }),
  })
  .meta({ id: 'OrderLineItem' });
export type OrderLineItem = z.infer<typeof orderLineItemSchema>;

/** A carrier's tracking of one shipment, as the merchant or the carrier entered it. */
export const orderTrackingSchema = z
  .object({ company: nullableTextSchema, number: nullableTextSchema, url: nullableTextSchema })
  .meta({ id: 'OrderTracking' });

/**
 * One shipment of some of the order's line items. `lineItems` name the order's line items
 * (`lineItemId`) and how many of each went: REST webhooks do not carry the fulfillment line's own id.
 */
export const orderFulfillmentSchema = z
  .looseObject({
    id: z.string(),
    /** GraphQL's FulfillmentStatus: SUCCESS, CANCELLED, ERROR, FAILURE. */
    status: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    /** The location it was fulfilled from; null when Shopify names none. */
    locationId: nullableTextSchema,
    trackingInfo: z.array(orderTrackingSchema),
    lineItems: z.array(z.object({ lineItemId: z.string(), quantity: z.number().int() })),
  })
  .meta({ id: 'OrderFulfillment' });
export type OrderFulfillment = z.infer<typeof orderFulfillmentSchema>;

/**
 * Money given back on the order. Amounts are in the presentment currency (what the buyer paid
 * and got back): that is the currency both Shopify's GraphQL refund and its REST transactions state.
 */
export const orderRefundSchema = z
  .looseObject({
    id: z.string(),
    createdAt: timestampSchema.nullable(),
    note: nullableTextSchema,
    totalRefunded: moneySchema.meta({ description: "The refund's successful REFUND transactions, summed" }),
    lineItems: z.array(
      z.object({ lineItemId: z.string(), quantity: z.number().int(), subtotal: moneyPairSchema }),
    ),
    transactions: z.array(
      z.object({
        id: z.string(),
        /** GraphQL's OrderTransactionKind (REFUND, ...) and OrderTransactionStatus (SUCCESS, ...). */
        kind: z.string(),
        status: z.string(),
        amount: moneySchema,
      }),
    ),
  })
  .meta({ id: 'OrderRefund' });
export type OrderRefund = z.infer<typeof orderRefundSchema>;

export const orderRecordSchema = mirroredRecordSchema
  .extend({
    /** `#1001`. */
    name: z.string().meta({ examples: ['#1001'] }),
    /**
     * Links to the customer mirror; absent for a guest checkout (it keys the sparse by-customer
     * index, which takes no nulls).
     */
    customerId: z
      .string()
      .meta({ description: "The customer's shopifyId; absent for a guest checkout or once redacted" })
      .optional(),
    /** As the order holds them (they may differ from the customer's current ones). */
    email: nullableTextSchema,
    phone: nullableTextSchema,
    /** GraphQL's enum names (PAID, PARTIALLY_REFUNDED, ...). */
    financialStatus: nullableTextSchema,
    fulfillmentStatus: z.string(),
    currency: z.string(),
    presentmentCurrency: z.string(),
    subtotalPrice: moneyPairSchema.nullable(),
    totalTax: moneyPairSchema.nullable(),
    totalPrice: moneyPairSchema,
    currentTotalPrice: moneyPairSchema,
    lineItems: z.array(orderLineItemSchema),
    /** Oldest first (by id); every fulfillment, each with all its lines. */
    fulfillments: z.array(orderFulfillmentSchema),
    /** Oldest first (by id); every refund, each with all its lines and transactions. */
    refunds: z.array(orderRefundSchema),
    shippingAddress: orderAddressSchema.nullable(),
    billingAddress: orderAddressSchema.nullable(),
    tags: z.array(z.string()),
    note: nullableTextSchema,
    cancelledAt: timestampSchema.nullable(),
    cancelReason: nullableTextSchema,
    closedAt: timestampSchema.nullable(),
    processedAt: timestampSchema,
    createdAt: timestampSchema,
    metafields: metafieldsFieldSchema,
  })
  .describe(
    'A mirrored order with every line item; a deleted one keeps only its ids, a redacted one loses its ' +
      'personal fields (customerId, email, phone, addresses, note) and keeps the sale',
  );

export type OrderRecord = z.infer<typeof orderRecordSchema>;
export type OrderSnapshot = RecordFields<OrderRecord>;

/** What a customers/redact erases from an order: everything about the person, not the sale. */
export const orderPersonalFields = [
  'customerId',
  'email',
  'phone',
  'shippingAddress',
  'billingAddress',
  'note',
  // Merchants and apps keep anything about the buyer there (gift messages, loyalty ids).
  'metafields',
] as const satisfies readonly (keyof OrderSnapshot)[];
