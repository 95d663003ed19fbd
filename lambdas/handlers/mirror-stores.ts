/**
 * How a mirrored resource's table is written, shared by the full composition (composition-root.ts)
 * and the webhook's lean one (webhook-composition.ts): light modules only, since the webhook's
 * cold start evaluates everything this imports.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BackPressure } from '../adapters/dynamodb/back-pressure.js';
import { createKnownVersions } from '../adapters/dynamodb/known-versions.js';
import { createRecordStore } from '../adapters/dynamodb/record-store.js';
import type { MirroredRecord } from '../resources/kit/mirrored-record.js';
import type { ResourceTableId } from '../resources/registry.js';
import type { ResourceBase, ResourceDefinition } from '../resources/kit/definition.js';
import type { WriteRuleOptions } from '../core/records/record-writes.js';
import type { LambdaSettings } from './environment.js';

/** Where webhook receipts (digests of processed bodies) live. */
export const receiptsOf = (tables: LambdaSettings['tables']) => ({ tableName: tables.Idempotency });

/** What a resource's definition adds to the write rules (record-writes.ts), for any store of it. */
export const writeRulesOf = (definition: ResourceBase): WriteRuleOptions => ({
  sparseAttributes: definition.table.lookups.map((lookup) => lookup.attribute),
  ...(definition.reusedKeys && { reusedKeys: true }),
  ...(definition.partLists && { partLists: definition.partLists }),
});

/** Records of this resource are never redacted (nothing personal): no item loses its version. */
const neverRedacted = (definition: Pick<ResourceBase, 'personalData'>): boolean =>
  Array.isArray(definition.personalData) && definition.personalData.length === 0;

/**
 * A resource's record store; webhook writes record their body's receipt in the same transaction,
 * and, for a resource whose records are never redacted, one older than a version this container
 * saw stored records only its receipt (known-versions.ts).
 */
export const recordStoreOf = <TRecord extends MirroredRecord>(
  doc: DynamoDBDocumentClient,
  tables: LambdaSettings['tables'],
  definition: ResourceDefinition<unknown, TRecord, ResourceTableId>,
  backPressure?: BackPressure,
) =>
  createRecordStore<TRecord>(doc, tables[definition.table.id], {
    ...writeRulesOf(definition),
    receipts: receiptsOf(tables),
    ...(backPressure && { backPressure }),
    ...(neverRedacted(definition) && { knownVersions: createKnownVersions() }),
  });
