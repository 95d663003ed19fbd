/** How products are read from Shopify: documents, cost, bulk, webhook topics and scopes. */
import { completeNested, type NestedPages } from '../../kit/nested-pages.js';
import { toUtcIso } from '../../kit/normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from '../../kit/query-cost.js';
import { numericIdOfGid } from '../../kit/shopify-fields.js';
import { resourceWebhooks, type ShopifySource } from '../../kit/shopify-source.js';
import type { ProductRecord } from '../record.js';
import {
  PRODUCT_VARIANTS_PAGE,
  productIdsBulkQuery,
  productIdsPageQuery,
  productsBulk,
  productsBulkQuery,
  productsByIds,
  productsByIdsQuery,
  productsCountQuery,
  productsPage,
  productsPageQuery,
  productVariantsQuery,
} from './documents.js';
import { withMetafields } from '../../kit/metafield-source.js';
import {
  fromGraphql,
  fromWebhook,
  gidType,
  type GraphqlProduct,
  graphqlProductSchema,
  type GraphqlVariant,
  graphqlVariantSchema,
} from './mapping.js';
import { productDeletePayloadSchema, productPayloadSchema } from './payloads.js';

/**
 * products(first:) is a connection (2). Each product (1) lists its options as objects with
 * their values (priced as the simulator and Shopify price lists: see resource-cost.test.ts) and
 * a nested variants connection, 2 + PRODUCT_VARIANTS_PAGE × 1 (variant fields are scalars).
 */
const productsPageCost: PageCost = { perQuery: 2, perNode: 1 + 2 + (2 + PRODUCT_VARIANTS_PAGE) };

/** The rest of a product's variants: the product (1), the connection (2), 1 per variant (scalars). */
const variantPages: NestedPages<GraphqlVariant> = {
  document: productVariantsQuery,
  parentField: 'product',
  connectionField: 'variants',
  nodeSchema: graphqlVariantSchema,
  pageSize: 100,
  cost: { perQuery: 1 + 2, perNode: 1 },
};

export const productsShopify: ShopifySource<GraphqlProduct, ProductRecord> = {
  gidType,
  scopes: ['read_products'],
  webhooks: resourceWebhooks({
    upsertTopics: ['products/create', 'products/update'],
    payloadSchema: productPayloadSchema,
    toRecord: fromWebhook,
    deleteTopic: 'products/delete',
    deletePayloadSchema: productDeletePayloadSchema,
  }),
  // deletionEvents is deprecated in 2026-10: missed deletes are found by this id-set reconcile.
  reconcile: {
    countQuery: productsCountQuery,
    countField: 'productsCount',
    idsQuery: productIdsPageQuery,
    byIdsQuery: productsByIdsQuery,
    idsConnectionField: 'products',
  },
  document: productsPageQuery,
  connectionField: 'products',
  nodeSchema: graphqlProductSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: fromGraphql,
  completeNode: async (node, graphql) => ({
    ...node,
    variants: await completeNested(node.id, node.variants, variantPages, graphql),
  }),
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: productsPageCost,
  initialPageSize: largestPageWithin(productsPageCost, MAX_QUERY_COST),
  bulk: { query: productsBulkQuery, idsQuery: productIdsBulkQuery, children: { connection: 'variants' } },
  withMetafieldNamespaces: (namespaces) =>
    withMetafields(productsShopify, namespaces, {
      page: productsPage(namespaces),
      byIds: productsByIds(namespaces),
      bulk: productsBulk(namespaces),
    }),
};
