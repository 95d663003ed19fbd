/**
 * Maps an `orders/create|updated` payload (REST-shaped) to the canonical order snapshot, so a
 * webhook and the sync store the identical item: enums upper-cased like GraphQL's, tags split,
 * amounts canonical, and a line's discounted total computed exactly as GraphQL reports it
 * (quantity × unit price − the discounts allocated to the line).
 */
import type { OrderPayload } from './payloads.js';
import { addressFromRest } from '../../kit/shopify-fields.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { lineTotal, money, sumAmounts } from '../../kit/money.js';
import type { MoneyPair, OrderSnapshot } from '../record.js';

type MoneySet = NonNullable<OrderPayload['total_price_set']>;

const pair = (set: MoneySet): MoneyPair => ({
  shop: money(set.shop_money.amount, set.shop_money.currency_code),
  presentment: money(set.presentment_money.amount, set.presentment_money.currency_code),
});

/** REST's `partial` is GraphQL's PARTIALLY_FULFILLED; no status yet is UNFULFILLED. */
const fulfillmentStatus = (status: string | null | undefined): string =>
  !status ? 'UNFULFILLED' : status === 'partial' ? 'PARTIALLY_FULFILLED' : status.toUpperCase();

const isoOrNull = (value: string | null | undefined): string | null => (value ? toUtcIso(value) : null);

export const orderSnapshotFromWebhook = (payload: OrderPayload): OrderSnapshot => ({
  shopifyId: payload.id,
  name: payload.name,
  ...(payload.customer && { customerId: payload.customer.id }),
  email: blankToNull(payload.email),
  phone: blankToNull(payload.phone),
  financialStatus: payload.financial_status ? payload.financial_status.toUpperCase() : null,
  fulfillmentStatus: fulfillmentStatus(payload.fulfillment_status),
  currency: payload.currency,
  presentmentCurrency: payload.presentment_currency,
  subtotalPrice: payload.subtotal_price_set ? pair(payload.subtotal_price_set) : null,
  totalTax: payload.total_tax_set ? pair(payload.total_tax_set) : null,
  totalPrice: pair(payload.total_price_set),
  currentTotalPrice: pair(payload.current_total_price_set),
  lineItems: payload.line_items.map((item) => {
    const unitPrice = money(item.price_set.shop_money.amount, item.price_set.shop_money.currency_code);
    const discount = sumAmounts((item.discount_allocations ?? []).map((allocation) => allocation.amount));
    return {
      id: item.id,
      title: item.title,
      quantity: item.quantity,
      sku: blankToNull(item.sku),
      variantId: item.variant_id ?? null,
      productId: item.product_id ?? null,
      unitPrice,
      discountedTotal: lineTotal(unitPrice, item.quantity, discount),
    };
  }),
  shippingAddress: payload.shipping_address ? addressFromRest(payload.shipping_address) : null,
  billingAddress: payload.billing_address ? addressFromRest(payload.billing_address) : null,
  tags: (payload.tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean)
    .sort(),
  note: blankToNull(payload.note),
  cancelledAt: isoOrNull(payload.cancelled_at),
  cancelReason: payload.cancel_reason ? payload.cancel_reason.toUpperCase() : null,
  closedAt: isoOrNull(payload.closed_at),
  processedAt: toUtcIso(payload.processed_at),
  createdAt: toUtcIso(payload.created_at),
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});
