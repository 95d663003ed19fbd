/**
 * The api Lambda's dispatch: API Gateway has already matched the request to a route, and says
 * which in `routeKey` (`GET /organizations/{organizationId}/customers`) with the values in
 * `pathParameters`. The handler is chosen by that key alone; the path is never matched again.
 * Re-matching the normalised path let `…/sync-runs/%2e%2e` (a run id of `..`) run the
 * integration route, which API Gateway had not authorised for that request.
 *
 * Routes are registered in the router's familiar spelling (`/organizations/:organizationId`),
 * turned into the route key's (`/organizations/{organizationId}`) once, at registration.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface RouteContext {
  /** API Gateway's `pathParameters`, as it decoded them. */
  readonly params: Readonly<Record<string, string>>;
  /** The request as a web Request: query string, headers and body. */
  readonly req: Request;
}

export type RouteHandler = (context: RouteContext) => Promise<Response>;

export interface ApiRouter {
  get(path: string, handler: RouteHandler): void;
  post(path: string, handler: RouteHandler): void;
  put(path: string, handler: RouteHandler): void;
  delete(path: string, handler: RouteHandler): void;
}

/** `/a/:id` → `/a/{id}`. */
export const routeKeyPath = (path: string): string => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/** Thrown for a route key no route was registered for (a deployment out of step with the code). */
export class UnknownRouteError extends Error {
  override readonly name = 'UnknownRouteError';
}

const requestOf = (event: APIGatewayProxyEventV2): Request => {
  const host = event.requestContext?.domainName ?? event.headers?.['host'] ?? 'api.invalid';
  // Only for the query string and headers: the path is not what dispatch reads.
  const url = `https://${host}/?${event.rawQueryString ?? ''}`;
  const method = event.requestContext?.http?.method ?? 'GET';
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers.set(name, value);
  const hasBody = event.body !== undefined && event.body !== null && !['GET', 'HEAD'].includes(method);
  const body = hasBody
    ? event.isBase64Encoded
      ? Buffer.from(event.body!, 'base64')
      : event.body
    : undefined;
  return new Request(url, { method, headers, ...(body !== undefined && { body }) });
};

const toResult = async (response: Response): Promise<APIGatewayProxyStructuredResultV2> => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { statusCode: response.status, headers, body: await response.text(), isBase64Encoded: false };
};

export const createRouteTable = () => {
  const routes = new Map<string, RouteHandler>();
  const add = (method: string) => (path: string, handler: RouteHandler) => {
    const key = `${method} ${routeKeyPath(path)}`;
    if (routes.has(key)) throw new Error(`Route ${key} registered twice`);
    routes.set(key, handler);
  };
  const router: ApiRouter = { get: add('GET'), post: add('POST'), put: add('PUT'), delete: add('DELETE') };
  return {
    router,
    routeKeys: () => [...routes.keys()],
    /** Runs the route API Gateway matched; throws UnknownRouteError for any other key. */
    async dispatch(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
      const handler = routes.get(event.routeKey);
      if (!handler) throw new UnknownRouteError(`No route for ${event.routeKey}`);
      const params = Object.fromEntries(
        Object.entries(event.pathParameters ?? {}).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
      return toResult(await handler({ params, req: requestOf(event) }));
    },
  };
};
