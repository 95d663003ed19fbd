/**
 * Compares the mirror (the Customers table) with the store (what the Admin API says now), field
 * by field. Mismatch classes:
 *   lost          Shopify has the customer; the table has no snapshot of it
 *   stale         the table holds an older (or otherwise different) snapshot
 *   resurrected   Shopify deleted the customer; the table still says ACTIVE
 *   falselyDeleted  Shopify has the customer; the table says it is deleted
 * A customer deleted in Shopify and never seen by the table at all is consistent: nothing of it
 * is held, and nothing could have told the mirror it existed.
 */
import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ShopifyAdminClient } from '../../lambdas/adapters/shopify/admin-client.js';
import type { CustomerRecord } from '../../lambdas/core/customers/customer-record.js';
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
  const items = new Map<string, Record<string, unknown>>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'organizationId = :org',
        ExpressionAttributeValues: { ':org': organizationId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) items.set(String(item['shopifyId']), item);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The store's current customers as canonical records, read through the Admin API. */
export const storeTruth = (
  adminUrlTemplate: string,
  shopDomain: string,
  accessToken: string,
  owner: Owner,
): Promise<CustomerRecord[]> =>
  fetchAll(
    new ShopifyAdminClient({ shopDomain, accessToken, apiVersion: '2026-10', urlTemplate: adminUrlTemplate }),
    owner,
  );

export function compareMirror(
  truth: readonly CustomerRecord[],
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
