/**
 * The IAM-authorised HTTP API (API Gateway HTTP API v2 → this Lambda). Routes are registered by
 * concern (`registerXRoutes(app, deps)` in handlers/routes/); errors go through http-response.ts,
 * the one place that maps domain errors to answers.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger as defaultLogger, errorFields, lambdaHandler } from '../adapters/observability.js';
import { withLogKeys } from '../core/log-scope.js';
import { apiDeps, composition } from './composition-root.js';
import type { Logger } from '../core/logger.js';
import { errorResponse, isExpectedError, jsonResponse } from './http-response.js';
import { type RecordReader, registerRecordRoutes } from './routes/records.js';
import { type IntegrationRouteDeps, registerIntegrationRoutes } from './routes/integrations.js';
import { createRouteTable, UnknownRouteError } from './routes/route-table.js';
import { type InstallRouteDeps, registerInstallRoutes } from './routes/installations.js';
import { registerSyncRoutes, type SyncRouteDeps } from './routes/sync-routes.js';

export interface ApiDeps {
  readonly sync: SyncRouteDeps;
  readonly integrations?: IntegrationRouteDeps;
  /** The install flow; absent when the deployment has no app client id (its routes answer 409). */
  readonly install?: InstallRouteDeps | undefined;
  /** The read API of each mirrored resource. */
  readonly readers?: readonly RecordReader[];
  readonly logger?: Logger;
}

export const createApiHandler = (deps: ApiDeps) => {
  const logger = deps.logger ?? defaultLogger;
  const table = createRouteTable();
  const app = table.router;
  registerSyncRoutes(app, deps.sync);
  if (deps.integrations) registerIntegrationRoutes(app, deps.integrations);
  registerInstallRoutes(app, deps.install, deps.integrations);
  registerRecordRoutes(app, deps.readers ?? []);

  // One handler for everything thrown: domain errors carry their status; anything else is a
  // fault, logged here and answered with a body that reveals nothing.
  const dispatch = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      return await table.dispatch(event);
    } catch (error) {
      if (isExpectedError(error)) return errorResponse(error);
      if (error instanceof UnknownRouteError) {
        logger.error('API Gateway sent a route this function does not serve', { route: event.routeKey });
        return jsonResponse(404, { error: { code: 'NOT_FOUND', message: 'No such route' } });
      }
      logger.error('Unhandled API error', errorFields(error));
      return errorResponse(error);
    }
  };

  return (event: APIGatewayProxyEventV2, _context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    withLogKeys(
      logger,
      {
        route: event.routeKey,
        integrationId: event.pathParameters?.integrationId,
        organizationId: event.pathParameters?.organizationId,
      },
      () => dispatch(event),
    );
};

let lazy: ReturnType<typeof createApiHandler> | undefined;

export const handler = lambdaHandler(
  (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> =>
    (lazy ??= createApiHandler(apiDeps(composition())))(event, context),
);
