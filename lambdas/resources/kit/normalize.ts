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
