/**
 * The canonical order record. Webhooks (REST-shaped `orders/*` payloads) and the sync (GraphQL
 * nodes) both map into this one shape, so the same order always yields the identical item.
 * Money is an exact decimal string with its currency, never a float.
 */
import type { MirroredRecord } from '../kit/mirrored-record.js';
import type { PostalAddress } from '../kit/shopify-fields.js';

export interface Money {
  /** Exact decimal string with the currency's minor digits (`"12.50"` USD, `"1200"` JPY): see money.ts. */
  readonly amount: string;
  readonly currencyCode: string;
}

/** A total in the shop's currency and in the currency the buyer saw. */
export interface MoneyPair {
  readonly shop: Money;
  readonly presentment: Money;
}

/** The postal fields every Shopify address has (no id of its own on an order). */
export type OrderAddress = PostalAddress;

export interface OrderLineItem {
  readonly id: string;
  readonly title: string;
  readonly quantity: number;
  readonly sku: string | null;
  readonly variantId: string | null;
  readonly productId: string | null;
  readonly unitPrice: Money;
  /** Quantity × unit price, minus the discounts allocated to this line. */
  readonly discountedTotal: Money;
}

export interface OrderSnapshot {
  readonly shopifyId: string;
  /** `#1001`. */
  readonly name: string;
  /**
   * Links to the customer mirror; absent for a guest checkout (it keys the sparse by-customer
   * index, which takes no nulls).
   */
  readonly customerId?: string;
  /** As the order holds them (they may differ from the customer's current ones). */
  readonly email: string | null;
  readonly phone: string | null;
  /** GraphQL's enum names (PAID, PARTIALLY_REFUNDED, ...). */
  readonly financialStatus: string | null;
  readonly fulfillmentStatus: string;
  readonly currency: string;
  readonly presentmentCurrency: string;
  readonly subtotalPrice: MoneyPair | null;
  readonly totalTax: MoneyPair | null;
  readonly totalPrice: MoneyPair;
  readonly currentTotalPrice: MoneyPair;
  readonly lineItems: readonly OrderLineItem[];
  readonly shippingAddress: OrderAddress | null;
  readonly billingAddress: OrderAddress | null;
  readonly tags: readonly string[];
  readonly note: string | null;
  readonly cancelledAt: string | null;
  readonly cancelReason: string | null;
  readonly closedAt: string | null;
  readonly processedAt: string;
  readonly createdAt: string;
  readonly shopifyUpdatedAt: string;
}

export type OrderRecord = OrderSnapshot & MirroredRecord;

/** What a customers/redact erases from an order: everything about the person, not the sale. */
export const orderPersonalFields = [
  'customerId',
  'email',
  'phone',
  'shippingAddress',
  'billingAddress',
  'note',
] as const satisfies readonly (keyof OrderSnapshot)[];
