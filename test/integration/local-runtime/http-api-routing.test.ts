import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '../../../lambdas/handlers/catalog.js';
import { type HttpApi, startHttpApi } from '../../../local/http-api.js';

const routes: ApiRoute[] = [
  { method: 'GET', path: '/files/{key+}', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/files/readme', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/items', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/items/{itemId}', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/slow', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/binary', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/bad-result', lambda: 'api', auth: 'IAM' },
];

let api: HttpApi;
beforeAll(async () => {
  api = await startHttpApi(
    routes.map((route) => ({
      route,
      functionName: 'test-api',
      timeoutMs: route.path === '/slow' ? 100 : 5_000,
      handler: async (event: APIGatewayProxyEventV2) => {
        if (event.routeKey === 'GET /slow')
          return new Promise((resolve) => setTimeout(resolve, 2_000).unref());
        if (event.routeKey === 'GET /binary') {
          return {
            statusCode: 200,
            headers: { 'Content-Type': 'image/png' },
            body: Buffer.from([137, 80, 78, 71]).toString('base64'),
            isBase64Encoded: true,
          };
        }
        if (event.routeKey === 'GET /bad-result') return { statusCode: 'two hundred' };
        return 'plain text result';
      },
    })),
  );
});
afterAll(() => api.stop());

describe('local HTTP API routing and results', () => {
  it('a greedy {name+} parameter takes the rest of the path, and a literal route wins over it', async () => {
    const routeOf = async (path: string) => {
      const response = await fetch(`${api.url}${path}`);
      return { status: response.status, body: await response.text() };
    };
    expect(await routeOf('/files/readme')).toEqual({ status: 200, body: 'plain text result' });
    expect((await routeOf('/files/a/b%20c')).status).toBe(200);
    expect((await routeOf('/files')).status).toBe(404);
    expect((await routeOf('/files/%E0%A4%A')).status).toBe(404);
  });

  it('an empty segment matches no route, as in API Gateway: a trailing or doubled slash is a 404', async () => {
    const statusOf = async (path: string) => [path, (await fetch(`${api.url}${path}`)).status];
    for (const path of ['/items', '/items/a', '/items/a%2Fb'])
      expect(await statusOf(path)).toEqual([path, 200]);
    for (const path of ['/items/', '/items/a/', '//items/a', '/items//', '/files/'])
      expect(await statusOf(path)).toEqual([path, 404]);
  });

  it('decodes a base64 result into binary bytes', async () => {
    const response = await fetch(`${api.url}/binary`);

    expect(response.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([137, 80, 78, 71]);
  });

  it('answers 500 when the handler times out or returns a malformed result', async () => {
    for (const path of ['/slow', '/bad-result']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    }
  });
});
