/**
 * Metafields of a mirrored record (customers, orders, products), for the namespaces a deployment
 * configures (CDK context `metafieldNamespaces`). Both paths map into one shape, kept on the
 * owner's record as `metafields`: the sync from the GraphQL `metafields` connection, the webhooks
 * from the REST body's `metafields` array (present when the subscription names the namespaces
 * in `metafieldNamespaces`). One module, so the three owners and the two paths agree exactly.
 */
import * as z from 'zod';
import { toUtcIso } from './normalize.js';
import { timestampSchema } from './record-schema.js';
import { pageInfoFields } from '../../shopify/queries/resource-listings.js';

/** The resources whose records carry metafields. */
export const metafieldOwners = ['customers', 'orders', 'products'] as const;
export type MetafieldOwner = (typeof metafieldOwners)[number];

/**
 * Shopify's namespace rule (3–255 of letters, digits, `-` and `_`). The namespace is written into
 * the documents as a literal, so this rule is also what keeps a document well-formed.
 */
export const namespaceSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,255}$/, { error: 'expected a namespace of 3–255 letters, digits, - or _' });

/**
 * At most this many namespaces per owner: each is listed by the webhook subscriptions, and more
 * than one means listing the owner's metafields of every namespace (see `metafieldsSelection`).
 */
export const MAX_NAMESPACES_PER_OWNER = 5;

export const namespaceListSchema = z
  .array(namespaceSchema)
  .min(1, { error: 'expected at least one namespace (leave the resource out instead)' })
  .max(MAX_NAMESPACES_PER_OWNER, { error: `expected at most ${MAX_NAMESPACES_PER_OWNER} namespaces` })
  .refine((names) => new Set(names).size === names.length, { error: 'expected each namespace once' });

/** `{ "products": ["custom", "specs"], "customers": ["loyalty"] }`: an unknown resource is an error. */
export const metafieldNamespacesSchema = z.strictObject({
  customers: namespaceListSchema.optional(),
  orders: namespaceListSchema.optional(),
  products: namespaceListSchema.optional(),
});
export type MetafieldNamespaces = { readonly [K in MetafieldOwner]?: readonly string[] };

/** The namespaces configured for one resource; empty for a resource without metafields. */
export const namespacesOf = (config: MetafieldNamespaces, resource: string): readonly string[] =>
  (config as Readonly<Record<string, readonly string[] | undefined>>)[resource] ?? [];

/**
 * One metafield on its owner's record. `value` is typed by `type`, usable without re-parsing:
 * `boolean` a boolean, `number_integer` a number (Shopify bounds it to ±2^53−1, so it is exact),
 * `number_decimal` the exact decimal text, JSON-valued types (`json`, `money`, `weight`,
 * `dimension`, `volume`, `rating`, `link`, `rich_text_field`) and every `list.*` parsed (list of
 * decimals: exact texts), anything else (text, dates, URLs, colours, references) Shopify's text.
 */
export const metafieldSchema = z
  .looseObject({
    namespace: z.string(),
    key: z.string(),
    type: z
      .string()
      .meta({ description: "Shopify's metafield type (single_line_text_field, list.product_reference, …)" }),
    value: z.unknown().meta({ description: 'The value typed by `type` (see docs/resources.md#metafields)' }),
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Metafield' });
export type Metafield = z.infer<typeof metafieldSchema>;

/** The owner record's field: absent when the deployment configures no namespace for it. */
export const metafieldsFieldSchema = z
  .array(metafieldSchema)
  .optional()
  .meta({ description: "Metafields of the deployment's namespaces, by namespace then key" });

const jsonValuedTypes = new Set([
  'json',
  'money',
  'weight',
  'dimension',
  'volume',
  'rating',
  'link',
  'rich_text_field',
]);

const parsedOrText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    // A value Shopify wrote is valid for its type; text that does not parse is kept, not lost.
    return text;
  }
};

/** The record's value of a metafield from Shopify's serialised text (both APIs give the same text). */
export const typedMetafieldValue = (type: string, text: string): unknown => {
  if (type === 'boolean') return text === 'true';
  if (type === 'number_integer') return Number(text);
  if (type === 'list.number_decimal') return decimalTexts(text);
  if (type.startsWith('list.') || jsonValuedTypes.has(type)) return parsedOrText(text);
  return text;
};

/** A list of decimals as exact texts: the numbers are read from the source, never through a double. */
const decimalTexts = (text: string): unknown => {
  const list = parsedOrText(text);
  if (!Array.isArray(list)) return list;
  return [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)].map((match) => match[0]);
};

const byNamespaceAndKey = (a: Metafield, b: Metafield): number =>
  a.namespace === b.namespace ? (a.key < b.key ? -1 : 1) : a.namespace < b.namespace ? -1 : 1;

/** The configured namespaces' metafields, in one order whichever path listed them. */
const kept = (metafields: readonly Metafield[], namespaces: readonly string[]): Metafield[] =>
  metafields.filter((metafield) => namespaces.includes(metafield.namespace)).sort(byNamespaceAndKey);

// --- GraphQL (the sync) ---

/** Metafields in an owner's page: few, since the page size of the owners divides by each node's cost. */
export const METAFIELDS_IN_PAGE = 10;
/** Metafields per query past the first page (a Metafield with scalar fields costs 1). */
export const METAFIELDS_PAGE = 250;

export const metafieldFields = /* GraphQL */ `
  namespace
  key
  type
  value
  updatedAt
`;

/**
 * The `metafields` connection's arguments. `namespace` takes one namespace, so with one configured
 * Shopify lists only it; with several the connection lists every namespace and the mapping keeps
 * the configured ones (an alias per namespace would multiply connections past bulk's limit of 5).
 */
const namespaceArgument = (namespaces: readonly string[]): string =>
  namespaces.length === 1 ? `, namespace: "${namespaces[0]}"` : '';

/** The owner's selection in a page or by-ids document; empty without namespaces (documents unchanged). */
export const metafieldsSelection = (namespaces: readonly string[]): string =>
  namespaces.length === 0
    ? ''
    : /* GraphQL */ `
      metafields(first: ${METAFIELDS_IN_PAGE}${namespaceArgument(namespaces)}) {
        nodes {
          ${metafieldFields}
        }
        ${pageInfoFields}
      }`;

/** The selection for a node typed by an interface (`nodes(ids:)`): within `... on <typename>`. */
export const metafieldsSelectionOn = (typename: string, namespaces: readonly string[]): string =>
  namespaces.length === 0 ? '' : `\n      ... on ${typename} {${metafieldsSelection(namespaces)}\n      }`;

/** The owner's selection in a bulk document: its lines come with `__parentId` and `__typename`. */
export const metafieldsBulkSelection = (namespaces: readonly string[]): string =>
  namespaces.length === 0
    ? ''
    : /* GraphQL */ `
      metafields${namespaces.length === 1 ? `(namespace: "${namespaces[0]}")` : ''} {
        edges {
          node {
            __typename
            ${metafieldFields}
          }
        }
      }`;

/** An owner's metafields past the first page, by the owner's global id (any HasMetafields). */
export const metafieldsPageQuery = (namespaces: readonly string[]): string => /* GraphQL */ `
  query OwnerMetafields($id: ID!, $first: Int!, $after: String) {
    node(id: $id) {
      ... on HasMetafields {
        metafields(first: $first, after: $after${namespaceArgument(namespaces)}) {
          nodes {
            ${metafieldFields}
          }
          ${pageInfoFields}
        }
      }
    }
  }
`;

/** What the selection adds to each owner node's requested cost: the connection (2) and 1 a metafield. */
export const metafieldsCostPerOwner = 2 + METAFIELDS_IN_PAGE;

export const graphqlMetafieldSchema = z.object({
  namespace: z.string(),
  key: z.string(),
  type: z.string(),
  value: z.string(),
  updatedAt: z.string(),
});
export type GraphqlMetafield = z.infer<typeof graphqlMetafieldSchema>;

export const graphqlMetafieldConnectionSchema = z.object({
  nodes: z.array(graphqlMetafieldSchema),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

export const metafieldsFromGraphql = (
  nodes: readonly GraphqlMetafield[],
  namespaces: readonly string[],
): Metafield[] =>
  kept(
    nodes.map((node) => ({
      namespace: node.namespace,
      key: node.key,
      type: node.type,
      value: typedMetafieldValue(node.type, node.value),
      updatedAt: toUtcIso(node.updatedAt),
    })),
    namespaces,
  );

// --- REST (the webhooks) ---

/**
 * One entry of a webhook body's `metafields`. REST serialises most values as text, but an
 * integer or a boolean may come as a JSON number or boolean: both are read back to the same text.
 */
export const restMetafieldSchema = z.looseObject({
  namespace: z.string(),
  key: z.string(),
  type: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  updated_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp'),
});
export type RestMetafield = z.output<typeof restMetafieldSchema>;

/** The body's part the owner's payload schema adds: absent when the subscription names no namespace. */
export const restMetafieldsShape = { metafields: z.array(restMetafieldSchema).nullish() };

export const metafieldsFromRest = (
  metafields: readonly RestMetafield[],
  namespaces: readonly string[],
): Metafield[] =>
  kept(
    metafields.map((metafield) => ({
      namespace: metafield.namespace,
      key: metafield.key,
      type: metafield.type,
      value: typedMetafieldValue(metafield.type, String(metafield.value)),
      updatedAt: toUtcIso(metafield.updated_at),
    })),
    namespaces,
  );
