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
import type { ResourceDefinition } from '../resources/kit/definition.js';
import type { LambdaSettings } from './environment.js';

/** Where webhook receipts (digests of processed bodies) live. */
export const receiptsOf = (tables: LambdaSettings['tables']) => ({ tableName: tables.Idempotency });

/** Records of this resource are never redacted (nothing personal): no item loses its version. */
const neverRedacted = (definition: Pick<ResourceDefinition<unknown>, 'personalData'>): boolean =>
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
    sparseAttributes: definition.table.lookups.map((lookup) => lookup.attribute),
    receipts: receiptsOf(tables),
    ...(backPressure && { backPressure }),
    ...(definition.reusedKeys && { reusedKeys: true }),
    ...(neverRedacted(definition) && { knownVersions: createKnownVersions() }),
  });
