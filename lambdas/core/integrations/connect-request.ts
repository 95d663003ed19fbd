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

/**
 * One credential, of one of two kinds (the third, an expiring pair, comes only from the install
 * flow, `POST …/installations`):
 * - `accessToken`: a static Admin API token (`shpat_…`). A public deployment exchanges it at once
 *   for an expiring pair.
 * - `clientId` + `clientSecret`: a Dev Dashboard app of your own organization installed on a store
 *   you own; the stack asks for its 24-hour tokens (client credentials grant). Its webhooks are
 *   signed with that secret, so it is also the integration's webhook secret unless one is given.
 */
export const connectRequestFields = z.strictObject({
  organizationId: organizationIdSchema,
  shopDomain: shopDomainSchema,
  accessToken: secretText.optional(),
  clientId: z.string().trim().min(1).max(255).optional(),
  clientSecret: secretText.optional(),
  webhookSecret: secretText.optional(),
});

const oneCredential = (
  body: {
    accessToken?: string | undefined;
    clientId?: string | undefined;
    clientSecret?: string | undefined;
  },
  ctx: z.RefinementCtx,
) => {
  const clientCredentials = body.clientId !== undefined || body.clientSecret !== undefined;
  if (body.accessToken !== undefined && clientCredentials)
    ctx.addIssue({
      code: 'custom',
      message: 'give either accessToken or clientId and clientSecret, not both',
    });
  else if (clientCredentials && (body.clientId === undefined || body.clientSecret === undefined))
    ctx.addIssue({ code: 'custom', message: 'clientId and clientSecret go together' });
  else if (!clientCredentials && body.accessToken === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['accessToken'],
      message: 'accessToken (or clientId and clientSecret) is required',
    });
};

export const connectRequestSchema = connectRequestFields.superRefine(oneCredential);

/** The organization comes from the path (what IAM authorised), never from the body. */
export const connectBodySchema = connectRequestFields
  .omit({ organizationId: true })
  .superRefine(oneCredential);

export type ConnectRequest = z.output<typeof connectRequestSchema>;
