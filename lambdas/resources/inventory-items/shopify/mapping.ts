/** Both ways into the canonical inventory item: a GraphQL node (sync) and a REST payload (webhook). */
import * as z from 'zod';
import { decimalAmount } from '../../kit/money.js';
import { blankToNull, toUtcIso } from '../../kit/normalize.js';
import { gidSchema, numericIdOfGid, optionalText, timestampSchema } from '../../kit/shopify-fields.js';
import type { InventoryItemSnapshot } from '../record.js';
import type { InventoryItemPayload } from './payloads.js';

export const graphqlInventoryItemSchema = z.object({
  id: gidSchema,
  sku: optionalText,
  tracked: z.boolean(),
  requiresShipping: z.boolean(),
  countryCodeOfOrigin: optionalText,
  provinceCodeOfOrigin: optionalText,
  harmonizedSystemCode: optionalText,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  unitCost: z.object({ amount: z.string() }).nullish(),
});
export type GraphqlInventoryItem = z.infer<typeof graphqlInventoryItemSchema>;

export const fromGraphql = (node: GraphqlInventoryItem): InventoryItemSnapshot => ({
  shopifyId: numericIdOfGid(node.id),
  sku: blankToNull(node.sku),
  tracked: node.tracked,
  requiresShipping: node.requiresShipping,
  cost: node.unitCost ? decimalAmount(node.unitCost.amount) : null,
  countryCodeOfOrigin: blankToNull(node.countryCodeOfOrigin),
  provinceCodeOfOrigin: blankToNull(node.provinceCodeOfOrigin),
  harmonizedSystemCode: blankToNull(node.harmonizedSystemCode),
  createdAt: toUtcIso(node.createdAt),
  shopifyUpdatedAt: toUtcIso(node.updatedAt),
});

export const fromWebhook = (payload: InventoryItemPayload): InventoryItemSnapshot => ({
  shopifyId: payload.id,
  sku: blankToNull(payload.sku),
  tracked: payload.tracked,
  requiresShipping: payload.requires_shipping,
  cost: payload.cost ? decimalAmount(payload.cost) : null,
  countryCodeOfOrigin: blankToNull(payload.country_code_of_origin),
  provinceCodeOfOrigin: blankToNull(payload.province_code_of_origin),
  harmonizedSystemCode: blankToNull(payload.harmonized_system_code),
  createdAt: toUtcIso(payload.created_at),
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});
