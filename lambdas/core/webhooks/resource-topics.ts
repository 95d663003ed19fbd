/**
 * A resource's create/update/delete topics (from its definition): conditional writes, never a
 * Shopify call. Every resource gets the same three outcomes from the same write rules.
 */
import type { ResourceDefinition } from '../resources/resource-definition.js';
import type { RecordWrites } from '../resources/record-writes.js';
import type { MirroredRecord } from '../resources/mirrored-record.js';
import { parseShopifyJson } from './shopify-json.js';
import { parseWith } from '../validation.js';
import { bodyText } from './delivery.js';
import type { IngestResult, TopicHandler, TopicHandlers } from './topic-registry.js';

export const resourceTopics = <TRecord extends MirroredRecord>(
  definition: ResourceDefinition<unknown, TRecord>,
  writes: RecordWrites<TRecord>,
): TopicHandlers => {
  const { webhooks } = definition;
  const upsert: TopicHandler = async (delivery, integration) => {
    const payload = parseWith(
      webhooks.payloadSchema,
      parseShopifyJson(bodyText(delivery)),
      `${delivery.topic} payload`,
    );
    const record = webhooks.toRecord(payload, integration);
    const outcome = await writes.upsert(record);
    const shopifyId = record.shopifyId;
    if (outcome === 'written') return { outcome, shopifyId };
    if (outcome === 'stale') return { outcome, reason: 'newer-snapshot-stored', shopifyId };
    return { outcome: 'ignored', reason: 'record-redacted', shopifyId };
  };

  const remove: TopicHandler = async (delivery, integration): Promise<IngestResult> => {
    const { id: shopifyId } = parseWith(
      webhooks.deletePayloadSchema,
      parseShopifyJson(bodyText(delivery)),
      `${delivery.topic} payload`,
    );
    const outcome = await writes.markDeleted(
      {
        organizationId: integration.organizationId,
        integrationId: integration.integrationId,
        shopDomain: integration.shopDomain,
        shopifyId,
      },
      delivery.triggeredAt,
      'webhook',
    );
    if (outcome === 'written') return { outcome, shopifyId };
    if (outcome === 'unchanged') return { outcome: 'stale', reason: 'already-deleted', shopifyId };
    return { outcome: 'ignored', reason: 'record-redacted', shopifyId };
  };

  return Object.fromEntries([
    ...webhooks.upsertTopics.map((topic) => [topic, upsert] as const),
    [webhooks.deleteTopic, remove] as const,
  ]);
};
