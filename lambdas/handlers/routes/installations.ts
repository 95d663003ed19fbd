/**
 * The install flow's two routes (core/credentials/install.ts):
 *   POST /organizations/{organizationId}/installations   IAM     201 {authorizeUrl, expiresAt} · 400 · 409
 *   GET  /oauth/callback                                   public  302 to returnUrl · 200 · 400 · 401 · 409 · 422
 * The callback is public (Shopify's redirect of the merchant's browser carries no AWS signature):
 * its hmac is checked in the handler, and API Gateway throttles the route apart from the IAM ones.
 */
import type { ApiRouter } from './route-table.js';
import * as z from 'zod';
import type { ShopifyTokenEndpoint } from '../../core/credentials/credentials.js';
import {
  completeInstallation,
  type InstallSettings,
  type InstallStates,
  installationRequestSchema,
  returnLocation,
  startInstallation,
} from '../../core/credentials/install.js';
import { type ConnectDeps, connectStore } from '../../core/integrations/connect.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { parseWith } from '../../core/validation.js';
import { json } from './json.js';
import { organizationPath } from './path-parameters.js';

export interface InstallRouteDeps {
  readonly states: InstallStates;
  readonly settings: InstallSettings;
  readonly endpoint: ShopifyTokenEndpoint;
  readonly appSecrets: () => Promise<readonly string[]>;
}

export const installationBody = installationRequestSchema;
/** What Shopify appends to the redirect URL; other parameters are signed and passed through. */
export const callbackQuery = z.looseObject({
  code: z.string(),
  hmac: z.string(),
  shop: z.string(),
  state: z.string(),
  timestamp: z.string(),
  host: z.string().optional(),
});

const notConfigured = () =>
  new ConflictError('The install flow needs the app client id (CDK context shopifyAppClientId)');

const jsonBody = async (req: Request): Promise<unknown> => {
  try {
    return await req.json();
  } catch {
    throw new ValidationError('Body is not valid JSON');
  }
};

export const registerInstallRoutes = (
  app: ApiRouter,
  install: InstallRouteDeps | undefined,
  connect: ConnectDeps | undefined,
): void => {
  app.post('/organizations/:organizationId/installations', async ({ params, req }) => {
    const { organizationId } = parseWith(organizationPath, params, 'path parameters');
    if (!install) throw notConfigured();
    return json(201, await startInstallation(organizationId, await jsonBody(req), install));
  });

  app.get('/oauth/callback', async ({ req }) => {
    if (!install || !connect) throw notConfigured();
    const completed = await completeInstallation(Object.fromEntries(new URL(req.url).searchParams), install);
    const result = await connectStore(
      { organizationId: completed.organizationId, shopDomain: completed.shopDomain },
      { kind: 'expiring', grant: completed.grant },
      connect,
    );
    const outcome = {
      integrationId: result.integration.integrationId,
      shop: completed.shopDomain,
      runId: result.runId,
    };
    if (completed.returnUrl === undefined) return json(200, { connected: true, ...outcome });
    return new Response(null, {
      status: 302,
      headers: { location: returnLocation(completed.returnUrl, outcome) },
    });
  });
};
