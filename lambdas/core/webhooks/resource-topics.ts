/**
 * A resource's create/update/delete topics (from its definition): conditional writes, never a
 * Shopify call. Every resource gets the same outcomes from the same write rules, and each write
 * records the body's receipt in the same round trip (record-writes.ts rule 5). Its part topics (an
 * order's refunds/create) read the stored record, merge the part and write it back under the
 * same rule (docs/architecture.md, "Parts of a record").
 */
import type { PartWebhooks, ResourceDefinition } from '../../resources/kit/definition.js';
import type { RecordStore, RecordWrites, UpsertOutcome } from '../records/record-writes.js';
import type { MirroredRecord, StoredRecord } from '../../resources/kit/mirrored-record.js';
import type { Integration } from '../integrations/integration.js';
import { preferGraphqlId } from './graphql-id.js';
import type { RecordFetcher } from './oversized-payload.js';
import { defineTopic, type IngestResult, type TopicDefinitions } from './topic-registry.js';

const alreadyProcessed = 'body-already-processed';

const upsertResult = (outcome: UpsertOutcome, shopifyId: string): IngestResult => {
  if (outcome === 'written') return { outcome, shopifyId };
  if (outcome === 'duplicate') return { outcome, reason: alreadyProcessed, shopifyId };
  if (outcome === 'stale') return { outcome, reason: 'newer-snapshot-stored', shopifyId };
  return { outcome: 'ignored', reason: 'record-redacted', shopifyId };
};

/**
 * A newer snapshot landing between the read and the write of a part sends the merge round again;
 * three rounds lost to three newer snapshots within milliseconds is a burst the next delivery of
 * the record's own topic settles anyway.
 */
const MAX_PART_MERGES = 3;

/** The stored item's record fields (its lifecycle attributes are the store's, never written back). */
const recordOf = <TRecord extends MirroredRecord>(
  stored: StoredRecord<TRecord>,
  fields: readonly string[],
): TRecord =>
  Object.fromEntries(
    fields.flatMap((field) => (field in stored ? [[field, (stored as Record<string, unknown>)[field]]] : [])),
  ) as unknown as TRecord;

/**
 * Merges one part (a refund, a fulfillment) into its stored record, never creating it: a part
 * of a record not mirrored yet (or another store's) waits for the record's own topic or the sync,
 * which carry every part. Idempotent by state, so no receipt is kept: a duplicate finds its part
 * already stored and writes nothing.
 */
const mergePart = async <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  store: RecordStore<TRecord>,
  part: PartWebhooks<TRecord>,
  integration: Integration,
  payload: unknown,
) => {
  const shopifyId = part.recordIdOf(payload);
  const fields = Object.keys(definition.recordSchema.shape);
  for (let round = 0; round < MAX_PART_MERGES; round += 1) {
    const stored = await store.get(integration.organizationId, shopifyId);
    if (stored?.integrationId !== integration.integrationId || stored.shopifyUpdatedAt === undefined) {
      return { outcome: 'ignored', reason: 'record-not-mirrored', shopifyId } as const;
    }
    if (stored.redactedAt !== undefined)
      return { outcome: 'ignored', reason: 'record-redacted', shopifyId } as const;
    const merged = part.merge(recordOf(stored, fields), payload);
    if (!merged) return { outcome: 'stale', reason: 'part-already-stored', shopifyId } as const;
    // Same shopifyUpdatedAt as stored: lands unless a newer snapshot landed since (then merge into it).
    const outcome = await store.upsert(merged);
    if (outcome !== 'stale') return upsertResult(outcome, shopifyId);
  }
  return { outcome: 'stale', reason: 'newer-snapshot-stored', shopifyId } as const;
};

const partTopics = <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  writes: RecordWrites<TRecord> | RecordStore<TRecord>,
): [string, ReturnType<typeof defineTopic>][] =>
  (definition.webhooks.parts ?? []).flatMap((part) => {
    if (!('get' in writes)) throw new Error(`${definition.name}: part topics need a store that reads`);
    const topic = defineTopic({
      payload: part.payloadSchema,
      idempotent: true,
      handle: (_delivery, integration, payload) => mergePart(definition, writes, part, integration, payload),
    });
    return part.topics.map((name) => [name, topic] as [string, typeof topic]);
  });

/**
 * `fetchRecord` reads a record whose body was too large for EventBridge (oversized-payload.ts);
 * without it such a stand-in is refused like any body that does not fit the topic.
 */
export const resourceTopics = <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  writes: RecordWrites<TRecord> | RecordStore<TRecord>,
  fetchRecord?: RecordFetcher,
): TopicDefinitions => {
  const { webhooks } = definition;
  const upsert = defineTopic({
    payload: preferGraphqlId(definition.gidType, webhooks.payloadSchema),
    recordsReceipt: true,
    handle: async (_delivery, integration, payload, receipt) => {
      const record = webhooks.toRecord(payload, integration);
      return upsertResult(await writes.upsert(record, receipt), record.shopifyId);
    },
    ...(fetchRecord && {
      oversized: async (_delivery, integration, shopifyId, receipt) => {
        const record = await fetchRecord(integration, definition, shopifyId);
        // Deleted in Shopify since: its delete webhook follows, nothing to write now.
        if (!record) return { outcome: 'ignored', reason: 'not-in-shopify', shopifyId };
        return upsertResult(await writes.upsert(record, receipt), shopifyId);
      },
    }),
  });

  const remove = defineTopic({
    payload: preferGraphqlId(definition.gidType, webhooks.deletePayloadSchema),
    recordsReceipt: true,
    handle: async (delivery, integration, { id: shopifyId }, receipt) => {
      const outcome = await writes.markDeleted(
        {
          organizationId: integration.organizationId,
          integrationId: integration.integrationId,
          shopDomain: integration.shopDomain,
          shopifyId,
        },
        // Clamped to the 48 h before receipt: the header is not signed.
        delivery.triggeredAt,
        'webhook',
        receipt,
      );
      if (outcome === 'written') return { outcome, shopifyId };
      if (outcome === 'duplicate') return { outcome, reason: alreadyProcessed, shopifyId };
      if (outcome === 'unchanged') return { outcome: 'stale', reason: 'already-deleted', shopifyId };
      return { outcome: 'ignored', reason: 'record-redacted', shopifyId };
    },
  });

  return Object.fromEntries([
    ...webhooks.upsertTopics.map((topic) => [topic, upsert] as const),
    [webhooks.deleteTopic, remove] as const,
    ...partTopics(definition, writes),
  ]);
};
