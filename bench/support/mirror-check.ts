/**
 * Compares the mirror (one resource's table) with the store (what the Admin API says now), field
 * by field. Mismatch classes:
 *   lost          Shopify has the record; the table has no snapshot of it
 *   stale         the table holds an older (or otherwise different) snapshot
 *   resurrected   Shopify deleted the record; the table still says ACTIVE
 *   falselyDeleted  Shopify has the record; the table says it is deleted
 * A record deleted in Shopify and never seen by the table at all is consistent: nothing of it
 * is held, and nothing could have told the mirror it existed.
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { organizationItems } from '../../test/support/organization-items.js';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import { z } from 'zod';
import type { CustomerRecord } from '../../lambdas/resources/customers/record.js';
import type { MirroredRecord } from '../../lambdas/resources/kit/mirrored-record.js';
import { recordsOf, type ResourceDefinition } from '../../lambdas/resources/kit/definition.js';
import { fetchAll, type Owner } from '../workers/sync-process.js';

export const mismatchClasses = ['lost', 'stale', 'resurrected', 'falselyDeleted'] as const;
export type MismatchClass = (typeof mismatchClasses)[number];

export interface Mismatch {
  readonly class: MismatchClass;
  readonly shopifyId: string;
  /** Field names that differ (stale), never their values: they are personal data. */
  readonly fields?: readonly string[];
}

export interface MirrorReport {
  readonly expectedActive: number;
  readonly expectedDeleted: number;
  readonly stored: number;
  readonly mismatches: readonly Mismatch[];
  readonly byClass: Readonly<Record<MismatchClass, number>>;
}

export async function storedItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  organizationId: string,
): Promise<Map<string, Record<string, unknown>>> {
  const items = await organizationItems(doc, tableName, organizationId);
  return new Map(items.map((item) => [String(item['shopifyId']), item]));
}

/** The store's current customers as canonical records, read through the Admin API. */
export const storeTruth = (
  adminUrlTemplate: string,
  shopDomain: string,
  accessToken: string,
  owner: Owner,
): Promise<CustomerRecord[]> =>
  fetchAll(
    new ShopifyAdminClient({
      shopDomain,
      accessToken,
      apiVersion: SHOPIFY_API_VERSION,
      urlTemplate: adminUrlTemplate,
    }),
    owner,
  );

const pageSchema = z.object({
  nodes: z.array(z.unknown()),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

/**
 * Any resource's current records as canonical records, read through the Admin API with the
 * resource's own page document and mapping (nested pages completed, as the sync does). Read
 * once the history is over, so plain cursor paging sees every record once.
 */
export async function resourceTruth<TNode, TRecord extends MirroredRecord>(
  definition: ResourceDefinition<TNode, TRecord>,
  adminUrlTemplate: string,
  shopDomain: string,
  accessToken: string,
  owner: Owner,
): Promise<TRecord[]> {
  const client = new ShopifyAdminClient({
    shopDomain,
    accessToken,
    apiVersion: SHOPIFY_API_VERSION,
    urlTemplate: adminUrlTemplate,
  });
  const schema = z.object({ [definition.connectionField]: pageSchema });
  const records: TRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const { data }: { data: Record<string, z.infer<typeof pageSchema>> } = await client.query(
      definition.document,
      { first: Math.min(50, definition.initialPageSize), after, query: null },
      schema,
    );
    const page: z.infer<typeof pageSchema> = data[definition.connectionField]!;
    for (const raw of page.nodes) {
      const parsed = definition.nodeSchema.parse(raw);
      const node = definition.completeNode
        ? await definition.completeNode(parsed, client, { query: null })
        : parsed;
      records.push(...recordsOf(definition, node, owner));
    }
    if (!page.pageInfo.hasNextPage) return records;
    after = page.pageInfo.endCursor;
  }
}

/** The stored ids Shopify does not list: records deleted there, whichever path told the mirror. */
export const absentFrom = (
  truth: readonly MirroredRecord[],
  stored: ReadonlyMap<string, Record<string, unknown>>,
): Set<string> => {
  const listed = new Set(truth.map((record) => record.shopifyId));
  return new Set([...stored.keys()].filter((id) => !listed.has(id)));
};

export function compareMirror(
  truth: readonly MirroredRecord[],
  deletedIds: ReadonlySet<string>,
  stored: ReadonlyMap<string, Record<string, unknown>>,
): MirrorReport {
  const mismatches: Mismatch[] = [];
  for (const expected of truth) {
    const item = stored.get(expected.shopifyId);
    if (!item || item['shopifyUpdatedAt'] === undefined) {
      mismatches.push({ class: 'lost', shopifyId: expected.shopifyId });
      continue;
    }
    if (item['status'] !== 'ACTIVE') {
      mismatches.push({ class: 'falselyDeleted', shopifyId: expected.shopifyId });
      continue;
    }
    const fields = Object.entries(expected)
      .filter(([name, value]) => !isDeepStrictEqual(item[name], value))
      .map(([name]) => name);
    if (fields.length > 0) mismatches.push({ class: 'stale', shopifyId: expected.shopifyId, fields });
  }
  for (const id of deletedIds) {
    const item = stored.get(id);
    if (item && item['status'] === 'ACTIVE') mismatches.push({ class: 'resurrected', shopifyId: id });
  }
  const byClass = Object.fromEntries(mismatchClasses.map((c) => [c, 0])) as Record<MismatchClass, number>;
  for (const mismatch of mismatches) byClass[mismatch.class] += 1;
  return {
    expectedActive: truth.length,
    expectedDeleted: deletedIds.size,
    stored: stored.size,
    mismatches,
    byClass,
  };
}
