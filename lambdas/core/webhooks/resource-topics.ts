/**
 * A resource's create/update/delete topics (from its definition): conditional writes, never a
 * Shopify call. Every resource gets the same outcomes from the same write rules, and each write
 * records the body's receipt in the same round trip (record-writes.ts rule 5).
 */
import type { ResourceDefinition } from '../../resources/kit/definition.js';
import type { RecordWrites, UpsertOutcome } from '../records/record-writes.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
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
 * `fetchRecord` reads a record whose body was too large for EventBridge (oversized-payload.ts);
 * without it such a stand-in is refused like any body that does not fit the topic.
 */
export const resourceTopics = <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  writes: RecordWrites<TRecord>,
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
  ]);
};
