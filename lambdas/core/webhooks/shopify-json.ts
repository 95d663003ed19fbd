/**
 * Exact JSON parsing of Shopify webhook bodies. Shopify ids are 64-bit and arrive as bare JSON
 * numbers (`"id": 7000000000000000123`), which `JSON.parse` would round. `parseShopifyJson` keeps
 * every integer id as its source text, using the `source` that Node 24's `JSON.parse` passes to
 * revivers.
 */
import { ValidationError } from '../errors.js';

type ReviverWithSource = (
  this: unknown,
  key: string,
  value: unknown,
  context: { source?: string },
) => unknown;
const parseWithSource = JSON.parse as (text: string, reviver: ReviverWithSource) => unknown;

/** `id` and `*_id` keys hold Shopify ids; every other number is left as a JS number. */
const isIdKey = (key: string): boolean => key === 'id' || key.endsWith('_id');

/**
 * Parses JSON, keeping integer ids exact as decimal strings. Non-integer numbers under id keys
 * stay numbers, so the schemas reject them for the fields they know and ignore them elsewhere.
 * Malformed JSON → ValidationError (400).
 */
export const parseShopifyJson = (text: string): unknown => {
  try {
    return parseWithSource(text, function (key, value, context) {
      if (typeof value !== 'number' || context.source === undefined || !/^\d+$/.test(context.source))
        return value;
      // An id list (`orders_to_redact`) has index keys: there only a rounded integer is kept as text.
      const keepText = isIdKey(key) || (Array.isArray(this) && !Number.isSafeInteger(value));
      return keepText ? context.source : value;
    });
  } catch {
    throw new ValidationError('Body is not valid JSON');
  }
};
