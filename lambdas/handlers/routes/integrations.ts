/**
 * Integration lifecycle routes of the IAM-authorised API, all under the organization:
 *   POST   /organizations/{organizationId}/integrations  201 created · 200 reconnected · 400 · 409 · 422
 *   GET    /organizations/{organizationId}/integrations
 *   GET    …/integrations/{integrationId}                status, last sync, webhook health, counts
 *   DELETE …/integrations/{integrationId}[?purge=true]   200 done · 202 purge continues in the background
 *   POST   …/integrations/{integrationId}/webhooks/check repairs the store's webhook subscriptions now
 *   GET    …/integrations/{integrationId}/shop-counts    Shopify's own counts now (a sync's progress denominator)
 * An integration of another organization is a 404. Bodies never carry a token or secret: every
 * integration goes out through publicIntegrationView.
 */
import type { ApiRouter } from './route-table.js';
import * as z from 'zod';
import { UnprocessableError, ValidationError } from '../../core/errors.js';
import { isAttentionError } from '../../core/sync/errors.js';
import { connectIntegration, type ConnectDeps } from '../../core/integrations/connect.js';
import { connectBodySchema } from '../../core/integrations/connect-request.js';
import { publicIntegrationView } from '../../core/integrations/integration.js';
import {
  describeIntegration,
  disconnectIntegration,
  type DisconnectDeps,
  listOrganizationIntegrations,
  requireIntegration,
} from '../../core/integrations/manage.js';
import { openShop } from '../../core/integrations/open-shop.js';
import { countShopifyRecords } from '../../core/integrations/shop-admin.js';
import { resourceDefinitions } from '../../resources/registry.js';
import {
  checkIntegrationWebhooks,
  type HealthCheckDeps,
} from '../../core/integrations/webhook-health-check.js';
import { parseWith } from '../../core/validation.js';
import { json } from './json.js';
import { integrationPath, integrationRoute, organizationPath } from './path-parameters.js';

export type IntegrationRouteDeps = ConnectDeps &
  DisconnectDeps &
  HealthCheckDeps & { readonly purgeBudgetMs?: number };

export { integrationPath, organizationPath } from './path-parameters.js';
export const connectBody = connectBodySchema;
export const deleteQuery = z.strictObject({ purge: z.enum(['true', 'false']).default('false') });

const queryOf = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

const jsonBody = async (req: Request): Promise<unknown> => {
  try {
    return await req.json();
  } catch {
    throw new ValidationError('Body is not valid JSON');
  }
};

export const registerIntegrationRoutes = (app: ApiRouter, deps: IntegrationRouteDeps): void => {
  app.post('/organizations/:organizationId/integrations', async ({ params, req }) => {
    const { organizationId } = parseWith(organizationPath, params, 'path parameters');
    const body = parseWith(connectBody, await jsonBody(req), 'integration');
    const result = await connectIntegration({ ...body, organizationId }, deps);
    return json(result.created ? 201 : 200, { integration: result.integration, runId: result.runId });
  });

  app.get('/organizations/:organizationId/integrations', async ({ params }) => {
    const { organizationId } = parseWith(organizationPath, params, 'path parameters');
    return json(200, { items: await listOrganizationIntegrations(organizationId, deps.records) });
  });

  app.get(integrationRoute, async ({ params }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    return json(200, await describeIntegration(key, deps));
  });

  app.delete(integrationRoute, async ({ params, req }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const { purge } = parseWith(deleteQuery, queryOf(req), 'query parameters');
    // API Gateway gives up after 30 s; a bigger store's purge continues from the daily job.
    const deadline = Date.now() + (deps.purgeBudgetMs ?? 20_000);
    const result = await disconnectIntegration(key, { purge: purge === 'true', deadline }, deps);
    return json(result.purge && !result.purge.complete ? 202 : 200, result);
  });

  app.post(`${integrationRoute}/webhooks/check`, async ({ params }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const integration = await requireIntegration(deps.integrations, key);
    const webhookHealth = await checkIntegrationWebhooks(integration, deps);
    return json(200, publicIntegrationView({ ...integration, webhookHealth }));
  });

  app.get(`${integrationRoute}/shop-counts`, async ({ params }) => {
    const key = parseWith(integrationPath, params, 'path parameters');
    const integration = await requireIntegration(deps.integrations, key);
    const shopify = await openShop(integration, deps);
    // One count query per resource (a point or two each); the console asks once per run, not per poll.
    const counted = await Promise.allSettled(
      resourceDefinitions.map(
        async ({ name, reconcile }) => [name, await countShopifyRecords(shopify, reconcile)] as const,
      ),
    );
    const refused = counted.find((result) => result.status === 'rejected' && isAttentionError(result.reason));
    if (refused?.status === 'rejected') {
      throw new UnprocessableError(`Shopify refused the count: ${(refused.reason as Error).message}`);
    }
    // A resource the app may not read (a missing scope) is left out rather than failing the rest.
    const counts = Object.fromEntries(
      counted.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
    );
    return json(200, { counts, countedAt: new Date().toISOString() });
  });
};
