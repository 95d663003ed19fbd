import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../../lambdas/handlers/api.js';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { createRouteTable, routeKeyPath } from '../../../lambdas/handlers/routes/route-table.js';
import { registerIntegrationRoutes } from '../../../lambdas/handlers/routes/integrations.js';
import { registerRecordRoutes } from '../../../lambdas/handlers/routes/records.js';
import { registerSyncRoutes } from '../../../lambdas/handlers/routes/sync-routes.js';
import { registerInstallRoutes } from '../../../lambdas/handlers/routes/installations.js';
import { resourceDefinitions } from '../../../lambdas/resources/registry.js';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

describe('the api Lambda dispatches on routeKey', () => {
  it('serves exactly the catalog routes that API Gateway sends it, under the same route keys', () => {
    const table = createRouteTable();
    registerSyncRoutes(table.router, {} as never);
    registerIntegrationRoutes(table.router, {} as never);
    registerInstallRoutes(table.router, undefined, undefined);
    registerRecordRoutes(
      table.router,
      resourceDefinitions.map((definition) => ({ definition, queries: {} as never })),
    );
    const catalog = apiRoutes.filter((route) => route.lambda === 'api').map((r) => `${r.method} ${r.path}`);
    expect(table.routeKeys().sort()).toEqual(catalog.sort());
  });

  it('spells router paths as route keys', () => {
    expect(routeKeyPath('/organizations/:organizationId/integrations/:integrationId')).toBe(
      '/organizations/{organizationId}/integrations/{integrationId}',
    );
  });

  it('a route key it does not serve is a 404, whatever the path says', async () => {
    const api = createApiHandler({
      sync: {} as never,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const event = {
      routeKey: 'GET /not/a/route',
      rawPath: '/organizations/o/customers',
      rawQueryString: '',
      headers: {},
      requestContext: { http: { method: 'GET' } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    expect((await api(event, {} as Context)).statusCode).toBe(404);
  });
});
