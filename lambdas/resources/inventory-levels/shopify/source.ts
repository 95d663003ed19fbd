/**
 * Inventory levels: the stock of an item at a location, one record per (item, location). Read
 * with `read_inventory` and `read_locations` (pages go through the locations), and
 * `read_products` for the count that sizes a full sync. A page node is a
 * location with its levels (a bulk line, an item with its levels), so one node gives several
 * records (`toRecords`). Every sale moves a level: `inventory_levels/update` is the busiest
 * topic of a store, and its record is the smallest write.
 */
import * as z from 'zod';
import type { RecordOwner } from '../../kit/mirrored-record.js';
import { completeNested, type NestedPages } from '../../kit/nested-pages.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { type ChildKeys, resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import { gidSchema, numericIdOfGid } from '../../kit/shopify-fields.js';
import { inventoryItemsCountQuery } from '../../inventory-items/shopify/documents.js';
import { type InventoryLevelRecord, type InventoryLevelSnapshot, levelIdOf } from '../record.js';
import {
  inventoryLevelKeysBulkQuery,
  inventoryLevelKeysByItemQuery,
  inventoryLevelKeysQuery,
  inventoryLevelsBulkQuery,
  itemLevelKeysQuery,
  LEVEL_KEYS_PAGE,
  LEVEL_KEYS_PER_ITEM,
  inventoryLevelsPageQuery,
  LEVELS_PAGE,
  LOCATION_LEVELS_PAGE,
  locationLevelsQuery,
} from './documents.js';
import {
  fromGraphql,
  fromWebhook,
  type GraphqlLevel,
  type GraphqlLevelParent,
  graphqlLevelParentSchema,
  graphqlLevelSchema,
} from './mapping.js';
import { inventoryLevelDisconnectPayloadSchema, inventoryLevelPayloadSchema } from './payloads.js';

/** A level: itself, its item, its location and its quantities list, 1 each. */
const LEVEL_COST = 4;

/** locations(first:) (2); each location (1) with its first levels (2 + 25 × 4). */
const levelsPageCost: PageCost = { perQuery: 2, perNode: 1 + 2 + LOCATION_LEVELS_PAGE * LEVEL_COST };

/** The rest of a location's levels: the location (1), the connection (2), 4 per level. */
const locationLevelPages: NestedPages<GraphqlLevel> = {
  document: locationLevelsQuery,
  parentField: 'location',
  connectionField: 'inventoryLevels',
  nodeSchema: graphqlLevelSchema,
  pageSize: LEVELS_PAGE,
  cost: { perQuery: 1 + 2, perNode: LEVEL_COST },
};

const itemLevelKeysSchema = z.object({
  id: gidSchema,
  inventoryLevels: z.object({
    nodes: z.array(z.object({ location: z.object({ id: gidSchema }) })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});
type LevelKeyNode = z.infer<typeof itemLevelKeysSchema>['inventoryLevels']['nodes'][number];

/** The rest of an item's level keys: the item (1), the connection (2), 2 per level. */
const itemLevelKeyPages: NestedPages<LevelKeyNode> = {
  document: itemLevelKeysQuery,
  parentField: 'inventoryItem',
  connectionField: 'inventoryLevels',
  nodeSchema: itemLevelKeysSchema.shape.inventoryLevels.shape.nodes.element,
  pageSize: LEVEL_KEYS_PAGE,
  cost: { perQuery: 1 + 2, perNode: 2 },
};

/** A bulk listing's level line (`__parentId`: its item); an item's own line has none. */
const levelKeyLineSchema = z.union([
  z.object({ location: z.object({ id: gidSchema }), __parentId: gidSchema }),
  z.object({ id: gidSchema }),
]);

/** Levels are keyed `<item id>:<location id>`: the reconcile lists and looks them up by item. */
const levelKeys: ChildKeys = {
  parentGidType: 'InventoryItem',
  parentOf: (key) => key.slice(0, key.indexOf(':')),
  async keysOf(node, graphql) {
    const item = itemLevelKeysSchema.parse(node);
    const levels = await completeNested(item.id, item.inventoryLevels, itemLevelKeyPages, graphql);
    const itemId = numericIdOfGid(item.id);
    return levels.nodes.map((level) => levelIdOf(itemId, numericIdOfGid(level.location.id)));
  },
  lookupQuery: inventoryLevelKeysByItemQuery,
  parentCost: 1 + 2 + LEVEL_KEYS_PER_ITEM * 2,
  keyOfLine(line) {
    const parsed = levelKeyLineSchema.parse(line);
    return '__parentId' in parsed
      ? levelIdOf(numericIdOfGid(parsed.__parentId), numericIdOfGid(parsed.location.id))
      : undefined;
  },
};

const toRecord = (snapshot: InventoryLevelSnapshot, owner: RecordOwner): InventoryLevelRecord => ({
  organizationId: owner.organizationId,
  integrationId: owner.integrationId,
  shopDomain: owner.shopDomain,
  ...snapshot,
  source: 'SHOPIFY',
});

export const inventoryLevelsShopify: ShopifySource<GraphqlLevelParent, InventoryLevelRecord> = {
  gidType: 'InventoryLevel',
  scopes: ['read_inventory', 'read_locations', 'read_products'],
  webhooks: resourceWebhooks({
    upsertTopics: ['inventory_levels/connect', 'inventory_levels/update'],
    payloadSchema: inventoryLevelPayloadSchema,
    toRecord: (payload, owner) => toRecord(fromWebhook(payload), owner),
    deleteTopic: 'inventory_levels/disconnect',
    deletePayloadSchema: inventoryLevelDisconnectPayloadSchema,
  }),
  // Levels have no count of their own: the variants' (one inventory item each) sizes a full sync
  // and the reconcile's listing, which goes through the items (`levelKeys`).
  reconcile: {
    countQuery: inventoryItemsCountQuery,
    countField: 'productVariantsCount',
    idsQuery: inventoryLevelKeysQuery,
    idsConnectionField: 'inventoryItems',
    keys: levelKeys,
  },
  document: inventoryLevelsPageQuery,
  connectionField: 'locations',
  nodeSchema: graphqlLevelParentSchema,
  // The location's: pages are sliced by it (a store's locations stay far below 25,000).
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecords: (node, owner) => node.inventoryLevels.nodes.map((level) => toRecord(fromGraphql(level), owner)),
  // The rest of a location's levels under the page's filter: only the changed ones in an
  // incremental sync.
  completeNode: async (node, graphql, page) => ({
    ...node,
    inventoryLevels: await completeNested(node.id, node.inventoryLevels, locationLevelPages, graphql, {
      query: page.query,
    }),
  }),
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: levelsPageCost,
  initialPageSize: largestPageWithin(levelsPageCost, MAX_QUERY_COST),
  bulk: {
    query: inventoryLevelsBulkQuery,
    idsQuery: inventoryLevelKeysBulkQuery,
    children: { connection: 'inventoryLevels' },
  },
};
