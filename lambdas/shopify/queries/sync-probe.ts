/**
 * The sync probe: one Admin call that asks, for every probed resource at once, "has anything
 * changed since its watermark?" (the page query's own top-level listing, same field, same
 * arguments, same `$query` filter, one node of it), the count the reconcile compares, and the
 * granted access scopes. An idle store's hour is then this call alone, instead of the scope
 * check, a first page per resource and a count per resource (bench F1).
 *
 * Each part is read off the resource's own documents, not written again beside them, so the
 * probe cannot drift from the page query: a page document whose listing is not a top-level
 * `field(…, query: $query)` (inventory levels filter a nested connection) is not probed, and its
 * resource is paged as before.
 */
import { accessScopesQuery } from './lifecycle.js';

/** What a resource contributes: its page document, and the count document of its reconcile. */
export interface ProbeSource {
  readonly name: string;
  readonly pageDocument: string;
  readonly countDocument?: string;
}

/** One probed resource: the aliases its answer comes under, and the variable of its filter. */
export interface ProbePart {
  readonly name: string;
  /** The listing's alias; its `nodes` is empty when nothing changed since the filter. */
  readonly changedAlias: string;
  readonly queryVariable: string;
  /** The count's alias, when the count is probed too. */
  readonly countAlias?: string;
}

export interface SyncProbe {
  readonly document: string;
  readonly parts: readonly ProbePart[];
  /** Requested cost, by Shopify's rules (the same whatever the answer). */
  readonly expectedCost: number;
}

/** `query Name($first: Int!, $after: String, $query: String) { field(args) {`: the page's listing. */
const PAGE_LISTING =
  /^\s*query\s+\w+\s*\(\s*\$first:\s*Int!\s*,\s*\$after:\s*String\s*,\s*\$query:\s*String\s*\)\s*\{\s*(\w+)\s*\(([^()]*)\)\s*\{/;
/** `query Name { field(args) {`: a count without variables. */
const COUNT_FIELD = /^\s*query\s+\w+\s*\{\s*(\w+)\s*(\([^()$]*\))?\s*\{/;

/**
 * The page document's listing as a probe: `field(first: 1, <its other arguments>, query: $var)`;
 * undefined when the document is not the one shape whose emptiness the probe can stand for.
 */
export const probedListing = (pageDocument: string, queryVariable: string): string | undefined => {
  const match = PAGE_LISTING.exec(pageDocument);
  if (!match) return undefined;
  const [, field, argumentList] = match;
  const args = argumentList!.split(',').map((argument) => argument.trim().replace(/\s+/g, ' '));
  if (!args.includes('first: $first') || !args.includes('after: $after') || !args.includes('query: $query'))
    return undefined;
  const kept = args.filter((argument) => !argument.startsWith('first:') && !argument.startsWith('after:'));
  const probed = kept.map((argument) =>
    argument === 'query: $query' ? `query: $${queryVariable}` : argument,
  );
  return `${field}(${['first: 1', ...probed].join(', ')}) { nodes { __typename } }`;
};

/** The count document's field as a probe part; undefined for a count that takes variables. */
export const probedCount = (countDocument: string): string | undefined => {
  const match = COUNT_FIELD.exec(countDocument);
  return match ? `${match[1]}${match[2] ?? ''} { count }` : undefined;
};

const scopesSelection = /\{\s*(currentAppInstallation[\s\S]*\})\s*\}\s*$/.exec(accessScopesQuery)![1]!;

/** Shopify's prices: a connection of one node 3, a count 1, the installation and its scopes 2. */
const LISTING_COST = 3;
const COUNT_COST = 1;
const SCOPES_COST = 2;

/** The probe of `sources` (in order; those whose documents do not fit are left out). */
export const syncProbe = (sources: readonly ProbeSource[]): SyncProbe => {
  const parts: ProbePart[] = [];
  const selections: string[] = [scopesSelection];
  const variables: string[] = [];
  sources.forEach((source, index) => {
    const queryVariable = `query${index}`;
    const listing = probedListing(source.pageDocument, queryVariable);
    if (!listing) return;
    const changedAlias = `changed${index}`;
    selections.push(`${changedAlias}: ${listing}`);
    variables.push(`$${queryVariable}: String`);
    const count = source.countDocument && probedCount(source.countDocument);
    const countAlias = count ? `count${index}` : undefined;
    if (count) selections.push(`${countAlias}: ${count}`);
    parts.push({ name: source.name, changedAlias, queryVariable, ...(countAlias && { countAlias }) });
  });
  const header = variables.length > 0 ? `(${variables.join(', ')})` : '';
  const counted = parts.filter((part) => part.countAlias).length;
  return {
    document: `query SyncProbe${header} {\n  ${selections.join('\n  ')}\n}\n`,
    parts,
    expectedCost: SCOPES_COST + parts.length * LISTING_COST + counted * COUNT_COST,
  };
};
