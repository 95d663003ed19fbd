/**
 * Inventory items: per variant, its SKU, whether stock is tracked and its unit cost. Read with
 * `read_inventory` (the reconcile's count, `productVariantsCount`, also needs `read_products`).
 */
import { type RecordOwner, toRecord } from '../../kit/mirrored-record.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import type { InventoryItemRecord, InventoryItemSnapshot } from '../record.js';
import {
  inventoryItemIdsBulkQuery,
  inventoryItemIdsPageQuery,
  inventoryItemsBulkQuery,
  inventoryItemsByIdsQuery,
  inventoryItemsCountQuery,
  inventoryItemsPageQuery,
} from './documents.js';
import {
  fromGraphql,
  fromWebhook,
  type GraphqlInventoryItem,
  graphqlInventoryItemSchema,
} from './mapping.js';
import { inventoryItemDeletePayloadSchema, inventoryItemPayloadSchema } from './payloads.js';

/** inventoryItems(first:) is a connection (2); each node is the item (1) and its unit cost (1). */
const inventoryItemsPageCost: PageCost = { perQuery: 2, perNode: 2 };

const recordOf = (snapshot: InventoryItemSnapshot, owner: RecordOwner): InventoryItemRecord =>
  toRecord<InventoryItemRecord>('InventoryItem', snapshot, owner);

export const inventoryItemsShopify: ShopifySource<GraphqlInventoryItem, InventoryItemRecord> = {
  gidType: 'InventoryItem',
  scopes: ['read_inventory', 'read_products'],
  webhooks: resourceWebhooks({
    upsertTopics: ['inventory_items/create', 'inventory_items/update'],
    payloadSchema: inventoryItemPayloadSchema,
    toRecord: (payload, owner) => recordOf(fromWebhook(payload), owner),
    deleteTopic: 'inventory_items/delete',
    deletePayloadSchema: inventoryItemDeletePayloadSchema,
  }),
  reconcile: {
    countQuery: inventoryItemsCountQuery,
    countField: 'productVariantsCount',
    idsQuery: inventoryItemIdsPageQuery,
    idsConnectionField: 'inventoryItems',
    byIdsQuery: inventoryItemsByIdsQuery,
  },
  document: inventoryItemsPageQuery,
  connectionField: 'inventoryItems',
  nodeSchema: graphqlInventoryItemSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => recordOf(fromGraphql(node), owner),
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: inventoryItemsPageCost,
  initialPageSize: largestPageWithin(inventoryItemsPageCost, MAX_QUERY_COST),
  bulk: { query: inventoryItemsBulkQuery, idsQuery: inventoryItemIdsBulkQuery },
};
