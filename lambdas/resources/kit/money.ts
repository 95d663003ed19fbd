/**
 * Money, once for every resource: the record's schema of an amount and the one normaliser every
 * mapping calls. Exact arithmetic on decimal strings: GraphQL answers `"12.5"`, REST `"12.50"`,
 * and both must store the same string; a REST line's discounted total (price × quantity −
 * discount) is computed without a float ever touching it.
 */
import * as z from 'zod';

/** An exact decimal string, as Shopify states amounts (never a float). */
export const decimalTextSchema = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ description: 'Exact decimal string' });

/** Money as Shopify states it: an exact decimal string with its currency. */
export const moneySchema = z
  .looseObject({ amount: decimalTextSchema, currencyCode: z.string() })
  .meta({ id: 'Money' });
export type Money = z.infer<typeof moneySchema>;

/** A total in the shop's currency and in the currency the buyer saw. */
export const moneyPairSchema = z
  .looseObject({ shop: moneySchema, presentment: moneySchema })
  .meta({ id: 'MoneyPair', description: "In the shop's currency and in the one the buyer saw" });
export type MoneyPair = z.infer<typeof moneyPairSchema>;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Minor digits of a currency (2 for USD, 0 for JPY, 3 for KWD), from the runtime's ICU data. */
const minorDigits = (currencyCode: string): number => {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: currencyCode }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
};

interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

const parse = (amount: string): Scaled => {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new RangeError(`Not a decimal amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`) * (sign === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
};

const rescale = ({ units, scale }: Scaled, to: number): bigint => units * 10n ** BigInt(to - scale);

const format = (units: bigint, scale: number, minDigits: number): string => {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  let fraction = scale > 0 ? digits.slice(-scale) : '';
  digits = scale > 0 ? digits.slice(0, -scale) : digits;
  // Trailing zeros go down to the currency's minor digits, never below (no precision is dropped).
  while (fraction.length > minDigits && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  fraction = fraction.padEnd(minDigits, '0');
  return `${negative ? '-' : ''}${digits}${fraction ? `.${fraction}` : ''}`;
};

/** One canonical string per amount of a currency: `"12.5"` and `"12.50"` USD are both `"12.50"`. */
export const money = (amount: string, currencyCode: string): Money => {
  const parsed = parse(amount);
  return { amount: format(parsed.units, parsed.scale, minorDigits(currencyCode)), currencyCode };
};

/**
 * An amount without a currency (a variant's price is in the shop's currency, which the Admin API
 * does not repeat): `"12.5"`, `"12.50"` and `"12.500"` are one price, `"12.50"`.
 */
export const decimalAmount = (amount: string): string => {
  const parsed = parse(amount);
  return format(parsed.units, parsed.scale, 2);
};

/** `unit × quantity − discount`, exactly, in the unit's currency. */
export const lineTotal = (unit: Money, quantity: number, discount: string): Money => {
  const a = parse(unit.amount);
  const d = parse(discount);
  const scale = Math.max(a.scale, d.scale);
  const units = rescale(a, scale) * BigInt(quantity) - rescale(d, scale);
  return { amount: format(units, scale, minorDigits(unit.currencyCode)), currencyCode: unit.currencyCode };
};

/** The exact sum of decimal strings (`"0"` for none). */
export const sumAmounts = (amounts: readonly string[]): string => {
  const parsed = amounts.map(parse);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  return format(
    parsed.reduce((total, p) => total + rescale(p, scale), 0n),
    scale,
    0,
  );
};
