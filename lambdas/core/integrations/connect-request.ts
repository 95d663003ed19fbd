/**
 * The boundary of `POST /integrations`: what a caller may send, normalised. The shop domain is
 * lower-cased before it is checked, because Shopify treats `Shop.myshopify.com` and
 * `shop.myshopify.com` as one store and the uniqueness rule must too.
 */
import * as z from 'zod';

export const shopDomainPattern = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export const shopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(255)
  .regex(shopDomainPattern, 'must be a name.myshopify.com domain');

/** Organization ids come from the SaaS that calls this API; they also key every customer item. */
export const organizationIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"');

export const integrationIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"');

const secretText = z.string().trim().min(1, 'must not be empty').max(4096);

export const connectRequestSchema = z.strictObject({
  organizationId: organizationIdSchema,
  shopDomain: shopDomainSchema,
  accessToken: secretText,
  webhookSecret: secretText.optional(),
});

export type ConnectRequest = z.output<typeof connectRequestSchema>;
