/** customers/create, customers/update and customers/delete: conditional writes, never a Shopify call. */
import { toCustomerRecord } from '../customers/customer-record.js';
import type { CustomerWrites } from '../customers/customer-writes.js';
import { snapshotFromWebhook } from '../customers/from-webhook.js';
import { customerDeletePayloadSchema, customerPayloadSchema } from '../../shopify/webhook-payloads.js';
import { defineTopic, type TopicDefinitions } from './topic-registry.js';

export const customerTopics = (customers: CustomerWrites): TopicDefinitions => {
  const upsert = defineTopic({
    payload: customerPayloadSchema,
    recordsReceipt: true,
    handle: async (_delivery, integration, payload, receipt) => {
      const record = toCustomerRecord(snapshotFromWebhook(payload), integration);
      const outcome = await customers.upsert(record, receipt);
      const shopifyId = record.shopifyId;
      if (outcome === 'written') return { outcome, shopifyId };
      if (outcome === 'duplicate') return { outcome, reason: 'body-already-processed', shopifyId };
      if (outcome === 'stale') return { outcome, reason: 'newer-snapshot-stored', shopifyId };
      return { outcome: 'ignored', reason: 'customer-redacted', shopifyId };
    },
  });

  const remove = defineTopic({
    payload: customerDeletePayloadSchema,
    recordsReceipt: true,
    handle: async (delivery, integration, payload, receipt) => {
      const shopifyId = payload.id;
      const outcome = await customers.markDeleted(
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
      if (outcome === 'duplicate') return { outcome, reason: 'body-already-processed', shopifyId };
      if (outcome === 'unchanged') return { outcome: 'stale', reason: 'already-deleted', shopifyId };
      return { outcome: 'ignored', reason: 'customer-redacted', shopifyId };
    },
  });

  return { 'customers/create': upsert, 'customers/update': upsert, 'customers/delete': remove };
};
