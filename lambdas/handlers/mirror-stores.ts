/**
 * How a mirrored resource's table is written, shared by the full composition (composition-root.ts)
 * and the webhook's lean one (webhook-composition.ts): light modules only, since the webhook's
 * cold start evaluates everything this imports.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BackPressure } from '../adapters/dynamodb/back-pressure.js';
import { createRecordStore } from '../adapters/dynamodb/record-store.js';
import type { MirroredRecord } from '../resources/kit/mirrored-record.js';
import type { ResourceTableId } from '../resources/registry.js';
import type { ResourceDefinition } from '../resources/kit/definition.js';
import type { LambdaSettings } from './environment.js';

/** Where webhook receipts (digests of processed bodies) live. */
export const receiptsOf = (tables: LambdaSettings['tables']) => ({ tableName: tables.Idempotency });

/** A resource's record store; webhook writes record their body's receipt in the same transaction. */
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
  });
