/**
 * Payloads of the mandatory privacy webhooks (subscribed in shopify.app.toml, not via the API)
 * and of app/uninstalled. Parse with `parseShopifyJson` so `shop_id` and `customer.id` stay exact
 * decimal strings. Order id lists become decimal strings.
 */
import * as z from 'zod';

const shopifyId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id');
const shopDomain = z.string().trim().toLowerCase().min(1);
/** Ids in arrays are numbers (parseShopifyJson keeps only unsafe ones as text): one decimal string each. */
const idList = z.array(z.union([shopifyId, z.number().int().nonnegative().transform(String)])).nullish();

const complianceCustomer = z.looseObject({
  id: shopifyId,
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const customersRedactPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
  customer: complianceCustomer,
  orders_to_redact: idList,
});

export const shopRedactPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
});

export const customersDataRequestPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
  orders_requested: idList,
  customer: complianceCustomer,
  data_request: z.looseObject({ id: shopifyId }),
});

/**
 * app/uninstalled carries the shop resource. Its `myshopify_domain` and `id` are what bind the
 * signed body to one shop: the header that picked the integration is not signed.
 */
export const appUninstalledPayloadSchema = z.looseObject({
  id: shopifyId,
  myshopify_domain: shopDomain,
});
