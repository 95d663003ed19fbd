import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Fault } from './faults.js';
import { executeAdminGraphQL, type GraphQLRequestBody } from './graphql-executor.js';
import { BodyTooLargeError, readBody, sendJson } from './http-io.js';
import { adminSchema } from './schema.js';
import type { SimulatedShop } from './shop.js';

export const adminPathPattern = /^\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;

/** Shopify's exact body for a wrong or missing access token. */
export const invalidTokenBody = {
  errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
};
const notFoundBody = { errors: 'Not Found' };

const graphqlBodySchema = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  operationName: z.string().nullable().optional(),
});

export interface AdminApiDeps {
  readonly shops: (domain: string) => SimulatedShop | undefined;
  readonly apiVersions: readonly string[];
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Static, expiring and client-credentials tokens alike (oauth.ts); 401 for expired ones. */
  readonly authenticate: (shop: SimulatedShop, token: string | undefined) => 'ok' | 'invalid';
}

const parseGraphQLBody = (raw: string, contentType: string | undefined): GraphQLRequestBody | null => {
  if (contentType?.startsWith('application/graphql')) return { query: raw };
  try {
    const parsed = graphqlBodySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Answers a fault that replaces the response; returns false for faults that only delay it. */
function answerWithFault(fault: Fault, request: IncomingMessage, response: ServerResponse): boolean {
  switch (fault.kind) {
    case 'rateLimited':
      sendJson(
        response,
        429,
        {
          errors:
            'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
        },
        { 'Retry-After': fault.retryAfterSeconds.toFixed(1) },
      );
      return true;
    case 'serverError':
      if (fault.status === 500) sendJson(response, 500, { errors: 'Internal Server Error' });
      else {
        // Shopify's edge answers 502/503 with an HTML page, not JSON.
        const html = `<!DOCTYPE html><html><head><title>${fault.status}</title></head><body>Service unavailable</body></html>`;
        response.writeHead(fault.status, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': Buffer.byteLength(html),
        });
        response.end(html);
      }
      return true;
    case 'connectionReset':
      request.socket.destroy();
      return true;
    case 'slow':
    case 'truncatedBody':
      return false;
  }
}

function sendTruncated(response: ServerResponse, body: unknown, declareFullLength: boolean): void {
  const text = Buffer.from(JSON.stringify(body));
  const cut = text.subarray(0, Math.max(1, Math.floor(text.length / 2)));
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': declareFullLength ? text.length : cut.length,
  });
  if (declareFullLength) {
    response.write(cut, () => response.socket?.destroy());
  } else {
    response.end(cut);
  }
}

/** POST /{shop}/admin/api/{version}/graphql.json */
export async function handleAdminGraphQL(
  request: IncomingMessage,
  response: ServerResponse,
  match: RegExpExecArray,
  deps: AdminApiDeps,
): Promise<void> {
  const [, shopDomain = '', apiVersion = ''] = match;
  const shop = deps.shops(decodeURIComponent(shopDomain));
  if (!shop || !deps.apiVersions.includes(apiVersion)) return sendJson(response, 404, notFoundBody);
  if (request.method !== 'POST')
    return sendJson(response, 405, { errors: 'Method Not Allowed' }, { Allow: 'POST' });

  let raw: string;
  try {
    raw = await readBody(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return sendJson(response, 413, { errors: 'Request Entity Too Large' });
    throw error;
  }

  const baseRecord = {
    at: deps.now(),
    apiVersion,
    operationName: null,
    rootFields: [],
    requestedQueryCost: null,
    actualQueryCost: null,
    throttleStatus: null,
  };
  const token = request.headers['x-shopify-access-token'];
  if (
    shop.appUninstalled ||
    deps.authenticate(shop, typeof token === 'string' ? token : undefined) !== 'ok'
  ) {
    shop.recordRequest({ ...baseRecord, httpStatus: 401, errorCodes: ['UNAUTHORIZED'], fault: null });
    return sendJson(response, 401, invalidTokenBody);
  }

  const fault = shop.faults.next();
  if (fault?.kind === 'slow') await deps.sleep(fault.ms);
  if (fault && answerWithFault(fault, request, response)) {
    const status = fault.kind === 'rateLimited' ? 429 : fault.kind === 'serverError' ? fault.status : 0;
    shop.recordRequest({ ...baseRecord, httpStatus: status, errorCodes: [], fault: fault.kind });
    return;
  }

  const body = parseGraphQLBody(raw, request.headers['content-type']);
  if (!body) {
    shop.recordRequest({
      ...baseRecord,
      httpStatus: 400,
      errorCodes: ['BAD_REQUEST'],
      fault: fault?.kind ?? null,
    });
    return sendJson(response, 400, { errors: { query: 'Required parameter missing or invalid' } });
  }

  const outcome = executeAdminGraphQL(adminSchema(apiVersion), shop, apiVersion, body);
  const cost = outcome.response.extensions.cost;
  shop.recordRequest({
    ...baseRecord,
    operationName: outcome.operationName,
    rootFields: outcome.rootFields,
    httpStatus: 200,
    requestedQueryCost: cost.requestedQueryCost,
    actualQueryCost: cost.actualQueryCost,
    throttleStatus: cost.throttleStatus,
    errorCodes: outcome.errorCodes,
    fault: fault?.kind ?? null,
  });
  if (fault?.kind === 'truncatedBody')
    return sendTruncated(response, outcome.response, fault.declareFullLength);
  sendJson(response, 200, outcome.response, {
    'X-Shopify-API-Version': apiVersion,
    'X-Request-Id': randomUUID(),
  });
}
