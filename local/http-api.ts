import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiRoute } from '../lambdas/handlers/catalog.js';
import { closeServer } from './aws/json-protocol.js';
import { localAccountId } from './aws/local-identity.js';
import { invokeLambda, type LambdaHandler } from './lambda-invoke.js';
import { chargeTo, countUsage, FLEET_ACCOUNT } from '../lambdas/adapters/usage-meter.js';
import { listenLocally, refuseForeignHost, refuseNonJsonPost } from './local-host.js';

/** API Gateway's payload limit for HTTP APIs. */
export const maxPayloadBytes = 10 * 1024 * 1024;
const localApiId = 'localapi';

export type HttpApiHandler = LambdaHandler<APIGatewayProxyEventV2, unknown>;

export interface HttpApiRoute {
  readonly route: ApiRoute;
  readonly handler: HttpApiHandler;
  readonly functionName: string;
  readonly timeoutMs: number;
}

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

interface CompiledRoute extends HttpApiRoute {
  readonly routeKey: string;
  readonly segments: readonly Segment[];
}

const compile = (entry: HttpApiRoute): CompiledRoute => ({
  ...entry,
  routeKey: `${entry.route.method} ${entry.route.path}`,
  segments: entry.route.path
    .split('/')
    .filter(Boolean)
    .map((segment): Segment => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!param?.[1]) return { kind: 'literal', value: segment };
      return { kind: param[2] === '+' ? 'greedy' : 'param', name: param[1] };
    }),
});

/** API Gateway prefers the most specific route: more literal segments first, greedy paths last. */
const specificity = (route: CompiledRoute) =>
  route.segments.filter((s) => s.kind === 'literal').length * 1000 -
  (route.segments.some((s) => s.kind === 'greedy') ? 500 : 0) +
  route.segments.length;

const safeDecode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** Path parameters when `parts` fit the route's segments; undefined when they do not. */
const matchSegments = (
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined => {
  const pathParameters: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index];
    // A parameter never captures an empty segment (`/items/`, `/items//x`): API Gateway matches
    // no route there, so neither may this emulation, or a client's normalised path finds another.
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return undefined;
      continue;
    }
    const value = safeDecode(segment.kind === 'greedy' ? parts.slice(index).join('/') : part);
    if (value === undefined) return undefined;
    pathParameters[segment.name] = value;
    if (segment.kind === 'greedy') return pathParameters;
  }
  return parts.length === segments.length ? pathParameters : undefined;
};

export const matchRoute = (
  routes: readonly CompiledRoute[],
  method: string,
  path: string,
): { route: CompiledRoute; pathParameters: Record<string, string> } | undefined => {
  // Segments as sent, empty ones included: `…/{integrationId}/` is not `…/{integrationId}`.
  if (!path.startsWith('/')) return undefined;
  const parts = path === '/' ? [] : path.slice(1).split('/');
  for (const route of routes) {
    if (route.route.method !== method) continue;
    const pathParameters = matchSegments(route.segments, parts);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
};

/**
 * The v2 event API Gateway would hand the route that `method` + `url` matches, or undefined when
 * none does (it would answer 404 itself): for tests that call a handler without a server.
 */
export const apiGatewayEventFor = (
  routes: readonly ApiRoute[],
  request: { method: string; url: string; headers?: Record<string, string>; body?: string },
): APIGatewayProxyEventV2 | undefined => {
  const compiled = routes
    .map((route) => compile({ route, handler: async () => undefined, functionName: '', timeoutMs: 0 }))
    .sort((a, b) => specificity(b) - specificity(a));
  const method = request.method.toUpperCase();
  const match = matchRoute(compiled, method, request.url.split('?')[0] ?? '/');
  if (!match) return undefined;
  const rawHeaders = Object.entries({ host: 'api.local', ...request.headers }).flat();
  return toApiGatewayEvent(
    { method, url: request.url, rawHeaders, body: Buffer.from(request.body ?? ''), sourceIp: '127.0.0.1' },
    match.route.routeKey,
    match.pathParameters,
    match.route.route.auth,
  );
};

/** HTTP APIs pass text bodies as-is and base64-encode everything else. */
export const isTextContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /^application\/([\w.+-]+\+)?(json|xml)$/.test(type) ||
    ['application/javascript', 'application/x-www-form-urlencoded', 'application/graphql'].includes(type)
  );
};

const clfDate = (date: Date): string => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
};

export interface IncomingHttpRequest {
  readonly method: string;
  /** Path plus raw query string, as on the request line. */
  readonly url: string;
  /** Alternating names and values, as Node's `rawHeaders`. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Builds the API Gateway HTTP API (payload format 2.0) event for a matched request. */
export function toApiGatewayEvent(
  request: IncomingHttpRequest,
  routeKey: string,
  pathParameters: Record<string, string>,
  auth: ApiRoute['auth'],
  now = new Date(),
): APIGatewayProxyEventV2 {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    // HTTP APIs move cookies to their own array and join other repeated headers with commas.
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[name] =
      queryStringParameters[name] === undefined ? value : `${queryStringParameters[name]},${value}`;
  }

  // API Gateway adds these before the Lambda sees the request.
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;

  const requestId = randomUUID();
  const isText = isTextContentType(headers['content-type']);
  const hasBody = request.body.length > 0;
  const method = request.method.toUpperCase();
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 && { queryStringParameters }),
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    requestContext: {
      accountId: localAccountId,
      apiId: localApiId,
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfDate(now),
      timeEpoch: now.getTime(),
      // Locally there is no SigV4: IAM routes see a fixed local caller instead.
      ...(auth === 'IAM' && {
        authorizer: {
          iam: {
            accessKey: 'LOCAL',
            accountId: localAccountId,
            callerId: 'LOCAL',
            cognitoIdentity: null,
            principalOrgId: null,
            userArn: `arn:aws:iam::${localAccountId}:user/local`,
            userId: 'LOCAL',
          },
        },
      }),
    },
    ...(hasBody && { body: isText ? request.body.toString('utf8') : request.body.toString('base64') }),
    isBase64Encoded: hasBody && !isText,
  };
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const gatewayError = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

/**
 * Turns a handler's result into the HTTP response per the 2.0 payload rules: a result with a
 * `statusCode` is used as given; anything else is a 200 JSON body.
 */
export function fromHandlerResult(result: unknown): HttpResponse {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    if (typeof structured.statusCode !== 'number' || !Number.isInteger(structured.statusCode)) {
      return gatewayError(500, 'Internal Server Error');
    }
    const body = structured.body ?? '';
    return {
      statusCode: structured.statusCode,
      headers: Object.fromEntries(
        Object.entries(structured.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      ),
      cookies: structured.cookies ?? [],
      body: structured.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  const body = result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body),
  };
}

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxPayloadBytes) throw new PayloadTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) throw new PayloadTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

export interface HttpApi {
  readonly url: string;
  readonly port: number;
  readonly routeKeys: readonly string[];
  /**
   * Replaces the route table. The runtime binds the port first, because handlers must see their
   * own callback URL in the environment before they are imported.
   */
  setRoutes(entries: readonly HttpApiRoute[]): void;
  /**
   * Serves what is not an API route (the console, /openapi.json) before answering 404; the
   * handler returns false for requests it does not serve.
   */
  setFallback(handler: HttpFallback): void;
  stop(): Promise<void>;
}

export type HttpFallback = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** A local API Gateway HTTP API: routes requests to Lambda handlers with v2 events. */
export async function startHttpApi(
  entries: readonly HttpApiRoute[],
  options: { port?: number; host?: string; log?: (line: string) => void } = {},
): Promise<HttpApi> {
  const sorted = (list: readonly HttpApiRoute[]) =>
    list.map(compile).sort((a, b) => specificity(b) - specificity(a));
  let routes = sorted(entries);
  let fallback: HttpFallback | undefined;
  const log = options.log ?? (() => undefined);

  const respond = (response: ServerResponse, answer: HttpResponse, requestId: string) => {
    const headers: Record<string, string | string[]> = {
      ...answer.headers,
      'apigw-requestid': requestId,
      'content-length': String(answer.body.length),
    };
    if (answer.cookies.length > 0) headers['set-cookie'] = [...answer.cookies];
    response.writeHead(answer.statusCode, headers);
    response.end(answer.body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // Every local route, the console and /openapi.json included (local-host.ts says why).
    if (refuseForeignHost(request, response)) return;
    const method = (request.method ?? 'GET').toUpperCase();
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const match = matchRoute(routes, method, path);
    if (!match) {
      if (fallback && (await fallback(request, response))) return;
      request.resume();
      return respond(response, gatewayError(404, 'Not Found'), randomUUID());
    }
    // Where IAM would stand in AWS: a cross-site page must not be able to call these routes.
    if (match.route.route.auth === 'IAM' && refuseNonJsonPost(request, response)) return;
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof PayloadTooLargeError)) throw error;
      response.setHeader('connection', 'close');
      return respond(response, gatewayError(413, 'Request Entity Too Large'), randomUUID());
    }
    const { route, pathParameters } = match;
    const event = toApiGatewayEvent(
      {
        method,
        url,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      },
      route.routeKey,
      pathParameters,
      route.route.auth,
    );
    let answer: HttpResponse;
    chargeTo(payerOf(event) ?? FLEET_ACCOUNT, route.functionName, () => countUsage('apigateway.requests'));
    try {
      answer = fromHandlerResult(
        await invokeLambda(route.handler, event, {
          functionName: route.functionName,
          timeoutMs: route.timeoutMs,
          account: payerOf(event),
        }),
      );
    } catch (error) {
      // A failed or timed-out integration is all API Gateway reveals to the caller.
      log(
        `[http-api] ${route.routeKey} → ${route.functionName} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      answer = gatewayError(500, 'Internal Server Error');
    }
    log(`[http-api] ${method} ${path} → ${answer.statusCode}`);
    respond(response, answer, event.requestContext.requestId);
  };

  /** Whom the usage meter charges: the integration a route names, or the shop a webhook claims. */
  const payerOf = (event: APIGatewayProxyEventV2): string | undefined =>
    event.pathParameters?.integrationId ?? event.headers['x-shopify-shop-domain'];

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`[http-api] unexpected failure: ${String(error)}`);
      if (!response.headersSent) respond(response, gatewayError(500, 'Internal Server Error'), randomUUID());
    });
  });
  const port = await listenLocally(server, options.port, options.host);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get routeKeys() {
      return routes.map((route) => route.routeKey);
    },
    setRoutes: (next) => {
      routes = sorted(next);
    },
    setFallback: (handler) => {
      fallback = handler;
    },
    stop: () => closeServer(server),
  };
}
