/** An integer written into JSON text digit for digit: Shopify's 64-bit ids do not fit a JS number. */
export class JsonInteger {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`not an integer: ${digits}`);
  }
}

export type JsonText =
  | string
  | number
  | boolean
  | null
  | JsonInteger
  | readonly JsonText[]
  | { readonly [key: string]: JsonText | undefined };

/**
 * JSON.stringify, except that JsonInteger values are written as raw number literals. Keys whose
 * value is undefined are left out, as JSON.stringify would.
 */
export function toJsonText(value: JsonText): string {
  if (value instanceof JsonInteger) return value.digits;
  if (Array.isArray(value)) return `[${value.map((item: JsonText) => toJsonText(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, JsonText | undefined>)
      .filter((entry): entry is [string, JsonText] => entry[1] !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
