import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { createHmac, randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiRoute, apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { freePort } from '../../../local/dynamodb-local.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

const testRoutes: ApiRoute[] = [
  { method: 'POST', path: '/webhooks/shopify', lambda: 'webhook', auth: 'HMAC' },
  { method: 'GET', path: '/integrations/{integrationId}', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/integrations/{integrationId}/runs/{runId}', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/integrations/latest', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/app-secret-fingerprint', lambda: 'api', auth: 'IAM' },
  { method: 'POST', path: '/broken', lambda: 'api', auth: 'IAM' },
];

/** Handlers written for this test; the runtime must drive them exactly like the real ones. */
const seen = {
  webhook: [] as APIGatewayProxyEventV2[],
  fanOut: [] as ScheduledEvent[],
  worker: [] as SQSEvent[],
};
const handlers = {
  webhook: async (event: APIGatewayProxyEventV2) => {
    seen.webhook.push(event);
    return {
      statusCode: 202,
      headers: { 'X-Outcome': 'written' },
      cookies: ['seen=1; Path=/'],
      body: '{"ok":true}',
    };
  },
  api: async (event: APIGatewayProxyEventV2) => {
    if (event.routeKey === 'POST /broken') throw new Error('boom with internals');
    if (event.routeKey === 'GET /app-secret-fingerprint') {
      // A plain SDK client: the runtime's AWS_ENDPOINT_URL_SECRETS_MANAGER must route it locally.
      const secret = await new SecretsManagerClient({}).send(
        new GetSecretValueCommand({ SecretId: process.env.APP_SECRET_ARN }),
      );
      return {
        fingerprint: createHmac('sha256', secret.SecretString ?? '')
          .update('probe')
          .digest('hex'),
      };
    }
    return { routeKey: event.routeKey, pathParameters: event.pathParameters ?? null };
  },
  fanOut: async (event: ScheduledEvent) => {
    seen.fanOut.push(event);
    await new SQSClient({}).send(
      new SendMessageCommand({
        QueueUrl: process.env.SYNC_QUEUE_URL,
        MessageBody: JSON.stringify({ from: event.id }),
      }),
    );
  },
  syncWorker: async (event: SQSEvent) => {
    seen.worker.push(event);
    return { batchItemFailures: [] };
  },
  healthCheck: async () => undefined,
};

const rawRequest = (
  url: string,
  options: { method: string; headers: OutgoingHttpHeaders; body: Buffer },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });

let runtime: LocalRuntime;
const envBefore = process.env.SYNC_QUEUE_URL;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('rt'),
    demoShop: { customers: 3, orders: 0, products: 0 },
    handlers,
    routes: testRoutes,
    syncEverySeconds: 1,
    syncQueue: { pollIntervalMs: 20 },
    log: () => undefined,
  });
});
afterAll(() => runtime?.stop());

describe('local HTTP API (API Gateway HTTP API, payload 2.0)', () => {
  it('hands the webhook handler a v2 event with lower-cased, comma-joined headers, cookies and a base64 binary body', async () => {
    const body = Buffer.from([0, 1, 2, 250, 251]);
    // node:http rather than fetch: fetch merges repeated headers before they leave the client.
    const response = await rawRequest(`${runtime.apiUrl}/webhooks/shopify?topic=a&topic=b&empty=`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-Shopify-Topic': 'customers/update',
        'X-Repeated': ['one', 'two'],
        Cookie: 'a=1; b=2',
        'User-Agent': 'Shopify-Captain-Hook',
      },
      body,
    });

    expect(response.status).toBe(202);
    expect(response.headers['x-outcome']).toBe('written');
    expect(response.headers['set-cookie']).toEqual(['seen=1; Path=/']);
    expect(JSON.parse(response.body)).toEqual({ ok: true });
    const event = seen.webhook.at(-1)!;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/shopify',
      rawPath: '/webhooks/shopify',
      rawQueryString: 'topic=a&topic=b&empty=',
      queryStringParameters: { topic: 'a,b', empty: '' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: true,
      requestContext: {
        http: {
          method: 'POST',
          path: '/webhooks/shopify',
          sourceIp: '127.0.0.1',
          userAgent: 'Shopify-Captain-Hook',
        },
        routeKey: 'POST /webhooks/shopify',
        stage: '$default',
      },
    });
    expect(event.headers).toMatchObject({
      'x-shopify-topic': 'customers/update',
      'x-repeated': 'one,two',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(Buffer.from(event.body!, 'base64').equals(body)).toBe(true);
    expect(event.pathParameters).toBeUndefined();
  });

  it('passes a JSON body as text, byte for byte (HMAC verification depends on it)', async () => {
    const raw = '{"id": 7000000000601106684, "note": "héllo"}';
    await fetch(`${runtime.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });

    const event = seen.webhook.at(-1)!;
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe(raw);
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('fills pathParameters from {name} segments, prefers literal segments, and returns a plain object as 200 JSON', async () => {
    const byId = await fetch(`${runtime.apiUrl}/integrations/int%201`);
    const nested = await fetch(`${runtime.apiUrl}/integrations/int-1/runs/run-9`);
    const literal = await fetch(`${runtime.apiUrl}/integrations/latest`);

    expect(byId.status).toBe(200);
    expect(byId.headers.get('content-type')).toBe('application/json');
    expect(await byId.json()).toEqual({
      routeKey: 'GET /integrations/{integrationId}',
      pathParameters: { integrationId: 'int 1' },
    });
    expect(await nested.json()).toEqual({
      routeKey: 'GET /integrations/{integrationId}/runs/{runId}',
      pathParameters: { integrationId: 'int-1', runId: 'run-9' },
    });
    expect(await literal.json()).toEqual({ routeKey: 'GET /integrations/latest', pathParameters: null });
  });

  it('answers an unknown route, or a known path with another method, with 404 {"message":"Not Found"}', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['GET', '/webhooks/shopify'],
      ['GET', '/integrations/a/b'],
    ] as const) {
      const response = await fetch(`${runtime.apiUrl}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('hides a handler failure behind 500 {"message":"Internal Server Error"}', async () => {
    const response = await fetch(`${runtime.apiUrl}/broken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });

    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"message":"Internal Server Error"}');
  });

  it('rejects a body over 10 MB with 413 before invoking the handler', async () => {
    const before = seen.webhook.length;
    const response = await fetch(`${runtime.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });

    expect(response.status).toBe(413);
    expect(seen.webhook.length).toBe(before);
  });
});

describe('local AWS wiring through the standard SDK endpoint variables', () => {
  it('a handler reads the app secret the simulator signs webhooks with, using a default-configured SDK client', async () => {
    const response = await fetch(`${runtime.apiUrl}/app-secret-fingerprint`);
    const expected = createHmac('sha256', runtime.shopify.simulator!.appSecret).update('probe').digest('hex');

    expect(await response.json()).toEqual({ fingerprint: expected });
  });

  it('the scheduler invokes fan-out with a ScheduledEvent, whose SQS message reaches the sync worker as an SQSEvent', async () => {
    await expect.poll(() => seen.worker.length, { timeout: 15_000 }).toBeGreaterThan(0);

    const scheduled = seen.fanOut[0]!;
    expect(scheduled).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    expect(scheduled.resources[0]).toMatch(/:rule\/sync-schedule$/);
    const record = seen.worker[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: runtime.syncQueue.arn,
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(JSON.parse(record.body)).toEqual({ from: scheduled.id });
  });

  it('serves the demo store on the simulator at the admin URL template the handlers get', async () => {
    const shop = runtime.shopify.demoShop!;
    const url = runtime.lambdaEnv
      .SHOPIFY_ADMIN_URL_TEMPLATE!.replace('{shop}', shop.shopDomain)
      .replace('{version}', SHOPIFY_API_VERSION);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
      body: JSON.stringify({ query: '{ customersCount { count } }' }),
    });
    const result = (await response.json()) as {
      data: { customersCount: { count: number } };
      extensions: { cost: { throttleStatus: unknown } };
    };

    expect(result.data.customersCount.count).toBe(3);
    expect(result.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: expect.any(Number) });
  });
});

describe('catalog wiring and shutdown', () => {
  it('a start that fails (API port taken) stops whatever it had already started', async () => {
    const awsPort = await freePort();
    const taken = Number(new URL(runtime.apiUrl).port);

    await expect(
      startLocalRuntime({
        apiPort: taken,
        awsPort,
        dynamoEndpoint: inject('dynamoEndpoint'),
        tablePrefix: `rt${randomUUID().slice(0, 8)}-`,
        shopifyAdminUrlTemplate: 'http://127.0.0.1:9/{shop}/admin/api/{version}/graphql.json',
        handlers,
        log: () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(fetch(`http://127.0.0.1:${awsPort}/`, { method: 'POST' })).rejects.toThrow();
  });

  it('serves exactly the catalog routes by default and, once stopped, closes every port and restores the environment', async () => {
    const plain = await startLocalRuntime({
      apiPort: 0,
      awsPort: 0,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tablePrefix: `rt${randomUUID().slice(0, 8)}-`,
      shopifyAdminUrlTemplate: 'http://127.0.0.1:9/{shop}/admin/api/{version}/graphql.json',
      handlers,
      log: () => undefined,
    });
    expect([...plain.routeKeys].sort()).toEqual(apiRoutes.map((r) => `${r.method} ${r.path}`).sort());
    const webhookCalls = seen.webhook.length;
    expect((await fetch(`${plain.apiUrl}/webhooks/shopify`, { method: 'POST', body: '{}' })).status).toBe(
      202,
    );
    expect(seen.webhook.length).toBe(webhookCalls + 1);

    await plain.stop();

    await expect(fetch(`${plain.apiUrl}/webhooks/shopify`, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(plain.awsEndpoint.url, { method: 'POST' })).rejects.toThrow();
    expect(process.env.SYNC_QUEUE_URL).toBe(runtime.lambdaEnv.SYNC_QUEUE_URL);
    expect(envBefore).toBeUndefined();
  });
});
