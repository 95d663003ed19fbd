/**
 * Bodies too large for EventBridge. Shopify sends payloads up to 1,000,000 bytes inline through
 * EventBridge; a larger one (a product with thousands of variants, an order with thousands of
 * lines) arrives as `{ "id": … }` alone (Shopify changelog, 2026-11-17). Dropping it would leave
 * the mirror behind until the next sync, so the topic reads the record by id from Shopify instead.
 *
 * Only EventBridge deliveries are read this way: over HTTPS Shopify always sends the whole body,
 * and a signed `{ "id": … }` there is a delete body replayed under another topic (refused).
 */
import * as z from 'zod';
import type { Integration } from '../integrations/integration.js';
import { type OpenShopDeps, openShop } from '../integrations/open-shop.js';
import { fetchRecordById } from '../integrations/shop-admin.js';
import type { MirroredRecord } from '../../resources/kit/mirrored-record.js';
import { hasIdListing, type ResourceDefinition } from '../../resources/kit/definition.js';
import type { WebhookDelivery } from './delivery.js';

/** Exactly `{ "id": <integer> }`: the id kept exact by parseShopifyJson (a decimal string). */
const oversizedStubSchema = z.strictObject({ id: z.string().regex(/^\d+$/) });

/** The id of an oversized body's stand-in, or undefined when the body is a whole one. */
export const oversizedStubId = (delivery: WebhookDelivery, body: unknown): string | undefined => {
  if (delivery.transport !== 'eventbridge') return undefined;
  const stub = oversizedStubSchema.safeParse(body);
  return stub.success ? stub.data.id : undefined;
};

/**
 * Reads one record of a store by id from its Admin API, mapped as a sync would map it; undefined
 * when Shopify no longer has it (deleted since: its delete webhook follows).
 */
export type RecordFetcher = <TRecord extends MirroredRecord>(
  integration: Integration,
  definition: ResourceDefinition<unknown, TRecord>,
  shopifyId: string,
) => Promise<TRecord | undefined>;

/**
 * Reads through the store's Admin API with the integration's stored credentials (open-shop.ts,
 * the one way a handler reaches a store's API).
 */
export const createRecordFetcher =
  (deps: OpenShopDeps): RecordFetcher =>
  async (integration, definition, shopifyId) => {
    const { reconcile } = definition;
    // Only a resource that lists ids can be read back by id (inventory levels only count).
    if (!hasIdListing(reconcile)) return undefined;
    const shop = await openShop(integration, deps);
    return fetchRecordById(shop, { ...definition, reconcile }, shopifyId, integration);
  };
