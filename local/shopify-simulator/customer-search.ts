import type { SimCustomer } from './customer.js';

/** Raised for search syntax the simulator does not understand, so a test never silently gets unfiltered data. */
export class UnsupportedSearchError extends Error {
  override readonly name = 'UnsupportedSearchError';
}

type Comparison = '>=' | '<=' | '>' | '<' | '=';
type Field = 'updated_at' | 'created_at' | 'id';

interface Term {
  readonly field: Field;
  readonly comparison: Comparison;
  readonly value: bigint | number;
}

const termPattern = /([a-z_]+):(>=|<=|>|<)?('([^']*)'|"([^"]*)"|([^\s'"]+))/gy;

const parseValue = (field: Field, raw: string): bigint | number => {
  if (field === 'id') {
    if (!/^\d{1,20}$/.test(raw))
      throw new UnsupportedSearchError(`id filter needs a numeric id, got "${raw}"`);
    return BigInt(raw);
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms))
    throw new UnsupportedSearchError(`${field} filter needs an ISO-8601 date, got "${raw}"`);
  return ms;
};

/**
 * The subset of Shopify's search syntax the sync uses: `updated_at`, `created_at` and `id` with
 * `>=`, `>`, `<=`, `<` or equality, quoted or bare values, joined by whitespace or `AND`.
 */
export function parseCustomerSearch(query: string | null | undefined): Term[] {
  const terms: Term[] = [];
  const text = (query ?? '').trim();
  let position = 0;
  while (position < text.length) {
    const rest = text.slice(position);
    const skip = /^(\s+|AND(?=\s|$))/.exec(rest);
    if (skip) {
      position += skip[0].length;
      continue;
    }
    termPattern.lastIndex = position;
    const match = termPattern.exec(text);
    if (!match)
      throw new UnsupportedSearchError(`Unsupported customer search syntax near "${rest.slice(0, 40)}"`);
    const [, field, comparison, , single, double, bare] = match;
    if (field !== 'updated_at' && field !== 'created_at' && field !== 'id') {
      throw new UnsupportedSearchError(`Unsupported customer search field "${field}"`);
    }
    const raw = single ?? double ?? bare ?? '';
    terms.push({
      field,
      comparison: (comparison as Comparison | undefined) ?? '=',
      value: parseValue(field, raw),
    });
    position = termPattern.lastIndex;
  }
  return terms;
}

/** Customers and orders are searched the same way: by id and timestamps. */
type Searchable = Pick<SimCustomer, 'id' | 'updatedAt' | 'createdAt'>;

const fieldValue = (customer: Searchable, field: Field): bigint | number => {
  switch (field) {
    case 'updated_at':
      return customer.updatedAt;
    case 'created_at':
      return customer.createdAt;
    case 'id':
      return BigInt(customer.id);
  }
};

export function matchesSearch(customer: Searchable, terms: readonly Term[]): boolean {
  return terms.every((term) => {
    const actual = fieldValue(customer, term.field);
    switch (term.comparison) {
      case '>=':
        return actual >= term.value;
      case '>':
        return actual > term.value;
      case '<=':
        return actual <= term.value;
      case '<':
        return actual < term.value;
      case '=':
        return actual === term.value;
    }
  });
}
