/** Normalisation shared by every mapping: webhooks (REST) and the sync (GraphQL) must agree exactly. */

/** Normalises any ISO-8601 timestamp with an offset (Shopify REST uses local offsets) to UTC with ms. */
export const toUtcIso = (timestamp: string): string => {
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) throw new RangeError(`Not a timestamp: ${timestamp}`);
  return new Date(millis).toISOString();
};

/** Empty strings and absent values are the same fact in the two APIs. */
export const blankToNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : value;

/**
 * Ascending as numbers for Shopify's numeric ids (64-bit decimals, so compared as text: shorter
 * first, then by digits): the same order whatever order a read or a delivery gave.
 */
export const byNumericId = (a: string, b: string): number =>
  a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
