import * as z from 'zod';
import {
  PRODUCT_VARIANTS_PAGE,
  productIdsPageQuery,
  productsCountQuery,
  productsPageQuery,
  productVariantsQuery,
  productsBulkQuery,
  productIdsBulkQuery,
} from '../../shopify/queries/products.js';
import { productDeletePayloadSchema, productPayloadSchema } from '../../shopify/product-payloads.js';
import { numericIdOfGid } from '../customers/from-graphql.js';
import {
  type GraphqlProduct,
  graphqlProductSchema,
  productSnapshotFromGraphql,
  productSnapshotFromWebhook,
  variantConnectionSchema,
} from '../products/product-mapping.js';
import type { ProductRecord, ProductSnapshot } from '../products/product-record.js';
import { gidOf, type RecordOwner } from './mirrored-record.js';
import { toUtcIso } from './normalize.js';
import { largestPageWithin, MAX_QUERY_COST, type PageCost } from './query-cost.js';
import { type ResourceDefinition, resourceWebhooks } from './resource-definition.js';

/**
 * products(first:) is a connection (2). Each product (1) lists its options as objects with
 * their values (priced as the simulator and Shopify price lists: see resource-cost.test.ts) and
 * a nested variants connection, 2 + PRODUCT_VARIANTS_PAGE × 1 (variant fields are scalars).
 */
const productsPageCost: PageCost = { perQuery: 2, perNode: 1 + 2 + (2 + PRODUCT_VARIANTS_PAGE) };

const VARIANTS_QUERY_COST = 1 + 2 + 100;
const variantsPageSchema = z.object({ product: z.object({ variants: variantConnectionSchema }).nullable() });

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
    idsConnectionField: 'products',
  },
  // A catalogue holds nothing about a person.
  personalData: [],
  document: productsPageQuery,
  connectionField: 'products',
  nodeSchema: graphqlProductSchema,
  identify: (node) => ({ id: numericIdOfGid(node.id), updatedAt: toUtcIso(node.updatedAt) }),
  toRecord: (node, owner) => toProductRecord(productSnapshotFromGraphql(node), owner),
  completeNode: async (node, graphql) => {
    let { variants } = node;
    const all = [...variants.nodes];
    while (variants.pageInfo.hasNextPage) {
      const { data } = await graphql.query(
        productVariantsQuery,
        { id: node.id, after: variants.pageInfo.endCursor },
        variantsPageSchema,
        { expectedCost: VARIANTS_QUERY_COST },
      );
      if (!data.product) break; // deleted meanwhile: products/delete or the reconcile settles it
      variants = data.product.variants;
      all.push(...variants.nodes);
    }
    return { ...node, variants: { nodes: all, pageInfo: variants.pageInfo } };
  },
  updatedSince: (iso) => `updated_at:>='${iso}'`,
  pageCost: productsPageCost,
  initialPageSize: largestPageWithin(productsPageCost, MAX_QUERY_COST),
  bulk: { query: productsBulkQuery, idsQuery: productIdsBulkQuery, children: { connection: 'variants' } },
};
