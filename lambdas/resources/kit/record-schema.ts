/**
 * The zod pieces every resource's `record.ts` builds its record schema from. The record schema is
 * the one statement of a record's shape: its TypeScript type is inferred from it, and the read
 * API's contract (handlers/contract/schemas.ts) and the typed client are generated from it.
 * Nested objects are loose: an answer with a field added later still parses in an older client.
 */
import * as z from 'zod';

/** UTC ISO-8601 with milliseconds, so string order is time order. */
export const timestampSchema = z.string().meta({ format: 'date-time', description: 'UTC ISO-8601' });
export const nullableTextSchema = z.string().nullable();

/** The postal fields every Shopify address has: blank is null, the country as its code. */
export const postalAddressShape = {
  firstName: nullableTextSchema,
  lastName: nullableTextSchema,
  name: nullableTextSchema,
  company: nullableTextSchema,
  address1: nullableTextSchema,
  address2: nullableTextSchema,
  city: nullableTextSchema,
  province: nullableTextSchema,
  provinceCode: nullableTextSchema,
  country: nullableTextSchema,
  countryCode: nullableTextSchema,
  zip: nullableTextSchema,
  phone: nullableTextSchema,
};
export type PostalAddress = z.infer<z.ZodObject<typeof postalAddressShape>>;

/** Tags as both APIs give them (a list, or REST's comma-separated text): trimmed, sorted, no blanks. */
export const sortedTags = (tags: readonly string[]): string[] =>
  tags
    .map((tag) => tag.trim())
    .filter(Boolean)
    .sort();
