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

/**
 * The topic header is unsigned, and the three privacy bodies share `shop_id` + `shop_domain`: a
 * body that carries another privacy topic's own keys is that topic's body under a swapped header
 * (a data request posted as a redact, or either as shop/redact, which would purge the store).
 * Those keys are refused by name, rather than making the bodies strict, so a field Shopify adds
 * one day does not make a mandatory privacy webhook fail.
 */
const absent = z.undefined({ error: 'belongs to another privacy topic' }).optional();

export const customersRedactPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
  customer: complianceCustomer,
  orders_to_redact: idList,
  orders_requested: absent,
  data_request: absent,
});

export const shopRedactPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
  customer: absent,
  orders_to_redact: absent,
  orders_requested: absent,
  data_request: absent,
});

export const customersDataRequestPayloadSchema = z.looseObject({
  shop_id: shopifyId,
  shop_domain: shopDomain,
  orders_requested: idList,
  customer: complianceCustomer,
  data_request: z.looseObject({ id: shopifyId }),
  orders_to_redact: absent,
});

/**
 * app/uninstalled carries the shop resource. Its `myshopify_domain` and `id` are what bind the
 * signed body to one shop: the header that picked the integration is not signed.
 */
export const appUninstalledPayloadSchema = z.looseObject({
  id: shopifyId,
  myshopify_domain: shopDomain,
});
