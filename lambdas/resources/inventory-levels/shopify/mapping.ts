/**
 * Both ways into the canonical inventory level: the levels of a GraphQL parent (a location in
 * pages, an inventory item in a bulk operation) and a REST payload (webhook).
 */
import * as z from 'zod';
import { toUtcIso } from '../../kit/normalize.js';
import { gidSchema, numericIdOfGid, timestampSchema } from '../../kit/shopify-fields.js';
import { type InventoryLevelSnapshot, levelIdOf, type QuantityName, quantityNames } from '../record.js';
import type { InventoryLevelPayload } from './payloads.js';

export const graphqlLevelSchema = z.object({
  id: z.string().regex(/^gid:\/\/shopify\/InventoryLevel\/\d+\?inventory_item_id=\d+$/),
  updatedAt: timestampSchema,
  item: z.object({ id: gidSchema }),
  location: z.object({ id: gidSchema }),
  quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })),
});
export type GraphqlLevel = z.infer<typeof graphqlLevelSchema>;

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/** A location (pages) or an inventory item (bulk) with its levels. */
export const graphqlLevelParentSchema = z.object({
  id: gidSchema,
  updatedAt: timestampSchema,
  inventoryLevels: z.object({ nodes: z.array(graphqlLevelSchema), pageInfo: pageInfoSchema }),
});
export type GraphqlLevelParent = z.infer<typeof graphqlLevelParentSchema>;

/** Every name asked for must come back: a level missing one is not one this mapping can trust. */
const quantitiesOf = (level: GraphqlLevel): Record<QuantityName, number> => {
  const byName = new Map(level.quantities.map((entry) => [entry.name, entry.quantity]));
  return Object.fromEntries(
    quantityNames.map((name) => {
      const quantity = byName.get(name);
      if (quantity === undefined) throw new RangeError(`Inventory level ${level.id} lacks quantity ${name}`);
      return [name, quantity];
    }),
  ) as Record<QuantityName, number>;
};

export const fromGraphql = (level: GraphqlLevel): InventoryLevelSnapshot => {
  const inventoryItemId = numericIdOfGid(level.item.id);
  const locationId = numericIdOfGid(level.location.id);
  const quantities = quantitiesOf(level);
  const updatedAt = toUtcIso(level.updatedAt);
  return {
    shopifyId: levelIdOf(inventoryItemId, locationId),
    shopifyGid: level.id,
    inventoryItemId,
    locationId,
    available: quantities.available,
    quantities,
    quantitiesAt: updatedAt,
    shopifyUpdatedAt: updatedAt,
  };
};

/** What the webhook knows: `available` at `updated_at`; the other quantities are the sync's. */
export const fromWebhook = (payload: InventoryLevelPayload): InventoryLevelSnapshot => ({
  shopifyId: levelIdOf(payload.inventory_item_id, payload.location_id),
  shopifyGid: payload.admin_graphql_api_id,
  inventoryItemId: payload.inventory_item_id,
  locationId: payload.location_id,
  available: payload.available,
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});
