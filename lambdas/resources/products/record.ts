/**
 * The canonical product record, with its variants. Webhooks (REST-shaped `products/*`) and the
 * sync (GraphQL) map into this one shape. Prices are exact decimal strings in the shop's
 * currency (the Admin API gives variant prices without a currency code).
 */
import type { MirroredRecord } from '../kit/mirrored-record.js';

export interface ProductVariant {
  readonly id: string;
  readonly title: string;
  readonly sku: string | null;
  readonly price: string;
  readonly compareAtPrice: string | null;
  /** Null when the app may not read inventory (no `read_inventory` scope) or it is not tracked. */
  readonly inventoryQuantity: number | null;
}

export interface ProductOption {
  readonly name: string;
  readonly values: readonly string[];
}

export interface ProductSnapshot {
  readonly shopifyId: string;
  readonly title: string;
  readonly handle: string;
  readonly vendor: string | null;
  readonly productType: string | null;
  /** ACTIVE, DRAFT, ARCHIVED (GraphQL's enum names). */
  readonly status: string;
  readonly tags: readonly string[];
  readonly options: readonly ProductOption[];
  readonly variants: readonly ProductVariant[];
  readonly createdAt: string;
  readonly shopifyUpdatedAt: string;
}

/** `status` is the record's lifecycle (ACTIVE/INACTIVE/REDACTED), so Shopify's is `productStatus`. */
export type ProductRecord = Omit<ProductSnapshot, 'status'> & {
  readonly productStatus: string;
} & MirroredRecord;

/** `"12.5"`, `"12.50"` and `"12.500"` are one price: trailing zeros go, down to two decimals. */
export const decimalAmount = (amount: string): string => {
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`Not a decimal amount: ${amount}`);
  let fraction = match[2] ?? '';
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${match[1]}.${fraction.padEnd(2, '0')}`;
};
