import {
  PRODUCT_VARIANTS_PAGE,
  productIdsPageQuery,
  productsByIdsQuery,
  productsCountQuery,
  productsPageQuery,
  productVariantsQuery,
  productsBulkQuery,
  productIdsBulkQuery,
} from '../../shopify/queries/products.js';
import { productDeletePayloadSchema, productPayloadSchema } from '../../shopify/product-payloads.js';
import { numericIdOfGid } from './shopify-fields.js';
import {
  type GraphqlProduct,
  graphqlProductSchema,
  type GraphqlVariant,
  graphqlVariantSchema,
  productSnapshotFromGraphql,
  productSnapshotFromWebhook,
} from '../products/product-mapping.js';
import type { ProductRecord, ProductSnapshot } from '../products/product-record.js';
import { gidOf, type RecordOwner } from './mirrored-record.js';
import { completeNested, type NestedPages } from './nested-pages.js';
import { toUtcIso } from './normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from './query-cost.js';
import { type ResourceDefinition, resourceWebhooks } from './resource-definition.js';

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

export const toProductRecord = (
  { status, ...snapshot }: ProductSnapshot,
  owner: RecordOwner,
): ProductRecord => ({
  organizationId: owner.organizationId,
  integrationId: owner.integrationId,
  shopDomain: owner.shopDomain,
  ...snapshot,
  productStatus: status,
  shopifyGid: gidOf('Product', snapshot.shopifyId),
  source: 'SHOPIFY',
});

export const productsResource: ResourceDefinition<GraphqlProduct, ProductRecord, 'Products'> = {
  name: 'products',
  gidType: 'Product',
  scopes: ['read_products'],
  table: { id: 'Products', lookups: [] },
  webhooks: resourceWebhooks({
    upsertTopics: ['products/create', 'products/update'],
    payloadSchema: productPayloadSchema,
    toRecord: (payload, owner) => toProductRecord(productSnapshotFromWebhook(payload), owner),
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
  // A catalogue holds nothing about a person.
  personalData: [],
  document: productsPageQuery,
  connectionField: 'products',
  nodeSchema: graphqlProductSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toProductRecord(productSnapshotFromGraphql(node), owner),
  completeNode: async (node, graphql) => ({
    ...node,
    variants: await completeNested(node.id, node.variants, variantPages, graphql),
  }),
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: productsPageCost,
  initialPageSize: largestPageWithin(productsPageCost, MAX_QUERY_COST),
  bulk: { query: productsBulkQuery, idsQuery: productIdsBulkQuery, children: { connection: 'variants' } },
};
