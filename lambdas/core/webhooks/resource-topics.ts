/**
 * A resource's create/update/delete topics (from its definition): conditional writes, never a
 * Shopify call. Every resource gets the same outcomes from the same write rules, and each write
 * records the body's receipt in the same round trip (record-writes.ts rule 5).
 */
import type { ResourceDefinition } from '../../resources/kit/definition.js';
import type { RecordWrites } from '../records/record-writes.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import { defineTopic, type TopicDefinitions } from './topic-registry.js';

const alreadyProcessed = 'body-already-processed';

export const resourceTopics = <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  writes: RecordWrites<TRecord>,
): TopicDefinitions => {
  const { webhooks } = definition;
  const upsert = defineTopic({
    payload: webhooks.payloadSchema,
    recordsReceipt: true,
    handle: async (_delivery, integration, payload, receipt) => {
      const record = webhooks.toRecord(payload, integration);
      const outcome = await writes.upsert(record, receipt);
      const shopifyId = record.shopifyId;
      if (outcome === 'written') return { outcome, shopifyId };
      if (outcome === 'duplicate') return { outcome, reason: alreadyProcessed, shopifyId };
      if (outcome === 'stale') return { outcome, reason: 'newer-snapshot-stored', shopifyId };
      return { outcome: 'ignored', reason: 'record-redacted', shopifyId };
    },
  });

  const remove = defineTopic({
    payload: webhooks.deletePayloadSchema,
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
