/**
 * The local runtime has no IAM: it must be reachable only from this machine, and only by pages
 * of its own origin. So every server listens on 127.0.0.1 alone, every local route refuses a
 * foreign Host (DNS rebinding: a page on evil.example resolving to 127.0.0.1 is same-origin to
 * the browser), and the JSON routes refuse a body a cross-site form or `no-cors` fetch can send.
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { type AttackWorld, startAttackWorld } from '../../support/attack-world.js';

let world: AttackWorld;
let shop: SimulatedShop;
const accessToken = 'shpat_localonly00000000000000000';

beforeAll(async () => {
  world = await startAttackWorld('local');
  shop = world.runtime.shopify.simulator!.createShop({
    shopDomain: 'local-only.myshopify.com',
    accessToken,
    seedCustomers: 2,
  });
});
afterAll(() => world?.stop());

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A raw request, so the Host header is exactly what a rebinding page's browser would send, and the
 * path exactly as given: `new URL` would resolve `%2e%2e` as `..` before it left the client.
 */
const raw = (
  url: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: url.slice(target.origin.length),
        method: options.method ?? 'GET',
        headers: { host: options.host ?? target.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

const portOf = (url: string) => Number(new URL(url).port);

/** Every address of this machine other than loopback: none of them may answer. */
const externalAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal)
    .map((address) => address!.address);

const refusesConnection = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(true));
  });

describe('every local server listens on 127.0.0.1 only', () => {
  it('the API, the AWS endpoint, the simulator and DynamoDB Local refuse connections on every other address', async () => {
    const addresses = externalAddresses();
    // A machine with no network interface but loopback has nothing to prove here.
    expect(addresses.length, 'this machine has a non-loopback address').toBeGreaterThan(0);
    const servers = {
      api: portOf(world.runtime.apiUrl),
      aws: portOf(world.runtime.awsEndpoint.url),
      simulator: portOf(world.runtime.shopify.simulator!.baseUrl),
      dynamodb: portOf(inject('dynamoEndpoint')),
    };
    for (const [name, port] of Object.entries(servers)) {
      expect(await refusesConnection('127.0.0.1', port), `${name} answers on 127.0.0.1`).toBe(false);
      for (const address of addresses)
        expect(await refusesConnection(address, port), `${name} on ${address}:${port}`).toBe(true);
    }
  });
});

describe('every local route refuses a foreign Host (DNS rebinding)', () => {
  const foreign = 'evil.example';

  it('the IAM routes, the webhook route, the OpenAPI document and the console answer 421 and run nothing', async () => {
    const api = world.runtime.apiUrl;
    const before = await world.everything();
    for (const [method, path] of [
      ['GET', '/organizations/org-local/customers'],
      ['GET', '/organizations/org-local/integrations'],
      ['POST', '/organizations/org-local/integrations'],
      ['POST', '/webhooks/shopify'],
      ['GET', '/openapi.json'],
      ['GET', '/console'],
    ] as const) {
      const answer = await raw(`${api}${path}`, {
        method,
        host: `${foreign}:${portOf(api)}`,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' && {
          body: JSON.stringify({ shopDomain: shop.domain, accessToken }),
        }),
      });
      expect([method, path, answer.status]).toEqual([method, path, 421]);
      expect(answer.body).toContain('WRONG_HOST');
    }
    expect(await world.everything()).toEqual(before);
    // Its own names still work.
    for (const host of [`127.0.0.1:${portOf(api)}`, `localhost:${portOf(api)}`])
      expect((await raw(`${api}/organizations/org-local/customers`, { host })).status).toBe(200);
  });

  it("the AWS endpoint (which holds the app secret) and the simulator's control API answer 421", async () => {
    const secret = await raw(world.runtime.awsEndpoint.url, {
      method: 'POST',
      host: foreign,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: world.runtime.lambdaEnv['APP_SECRET_ARN'] }),
    });
    expect(secret.status).toBe(421);
    expect(secret.body).not.toContain('SecretString');
    const control = await raw(
      `${world.runtime.shopify.simulator!.baseUrl}/_simulator/shops/${shop.domain}/customers`,
      { host: foreign },
    );
    expect(control.status).toBe(421);
    expect(control.body).not.toContain(shop.resources.customers.list()[0]!.id);
  });
});

describe('the JSON routes refuse what a cross-site page can send (415)', () => {
  it('a text/plain connect (a form or no-cors fetch) is refused and connects nothing', async () => {
    const before = await world.everything();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const answer = await raw(`${world.runtime.apiUrl}/organizations/org-local/integrations`, {
        method: 'POST',
        headers: contentType === undefined ? {} : { 'content-type': contentType },
        body: JSON.stringify({ shopDomain: shop.domain, accessToken }),
      });
      expect([contentType, answer.status]).toEqual([contentType, 415]);
      expect(answer.body).toContain('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await world.everything()).toEqual(before);
  });

  it('a body-less POST without the JSON content type starts nothing either', async () => {
    const connected = await world.connect({ organizationId: 'org-local', shop, accessToken });
    const base = `/organizations/org-local/integrations/${connected.integrationId}`;
    const before = await world.everything();
    for (const path of [`${base}/sync?force=true`, `${base}/webhooks/check`]) {
      const answer = await raw(`${world.runtime.apiUrl}${path}`, { method: 'POST' });
      expect([path, answer.status]).toEqual([path, 415]);
    }
    expect(await world.everything()).toEqual(before);
    // With it (as the typed client and the console send), the same call runs.
    const sync = await raw(`${world.runtime.apiUrl}${base}/sync?force=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(sync.status).toBe(202);
  });
});

describe('the api Lambda dispatches on the route API Gateway matched', () => {
  it('…/sync-runs/%2e%2e is the sync-run route with a run id of "..": refused, never the integration route', async () => {
    const connected = (await (await world.api('/organizations/org-local/integrations')).json()) as {
      items: { integrationId: string }[];
    };
    const base = `/organizations/org-local/integrations/${connected.items[0]!.integrationId}`;
    expect((await world.api(base)).status).toBe(200);
    for (const tail of ['/sync-runs/%2e%2e', '/sync-runs/%2E%2E', '/sync-runs/..%2f..']) {
      const answer = await raw(`${world.runtime.apiUrl}${base}${tail}`);
      expect([tail, answer.status]).toEqual([tail, 400]);
      expect(answer.body).not.toContain('"shopDomain"');
    }
    // What a client that resolves dot segments (a browser, `new URL`) sends instead: the integration
    // path with a trailing slash, which matches no route in API Gateway and so none here.
    const resolved = new URL(`${world.runtime.apiUrl}${base}/sync-runs/%2e%2e`).pathname;
    expect(resolved).toBe(`${base}/`);
    const answer = await raw(`${world.runtime.apiUrl}${resolved}`);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('"shopDomain"');
  });
});
