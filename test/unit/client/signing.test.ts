import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifySyncClient } from '../../../client/index.js';

/**
 * The client's SigV4 signature, checked by an independent verifier written from AWS's
 * specification (not the signing library): what API Gateway's IAM authoriser would recompute.
 */
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};
const region = 'eu-west-1';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let apiUrl: string;
const received: Received[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes the signature of a received request (AWS SigV4, non-S3 services). */
const expectedSignature = (
  request: Received,
): { signature: string; given: string; signedHeaders: string } => {
  const authorization = String(request.headers.authorization);
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) throw new Error(`Unexpected Authorization header: ${authorization}`);
  const [, , date, signedRegion, service, signedHeaders, given] = match as unknown as string[];
  const [rawPath, rawQuery = ''] = request.url.split('?') as [string, string?];
  // Non-S3 services encode each path segment once more.
  const canonicalPath = rawPath
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)).replaceAll('%', '%25'))
    .join('/');
  const canonicalQuery = [...new URLSearchParams(rawQuery)]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders!.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join('');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${date}/${signedRegion}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date!), signedRegion!), service!),
    'aws4_request',
  );
  return {
    signature: createHmac('sha256', key).update(stringToSign).digest('hex'),
    given: given!,
    signedHeaders: signedHeaders!,
  };
};

describe('the client signs its calls with SigV4 for execute-api', () => {
  it('signs a GET with path parameters and a query as API Gateway recomputes it', async () => {
    answer = { status: 200, body: { customers: 3, countedAt: '2026-01-01T00:00:00.000Z' } };
    received.length = 0;
    const api = createShopifySyncClient({ apiUrl, region, credentials });

    const result = await api
      .call('listCustomers', {
        path: { organizationId: 'org:a b' },
        query: { limit: 5, status: 'ACTIVE', cursor: 'x+y/z=' },
      })
      .catch((error: unknown) => error);

    const request = received[0]!;
    expect(request.url).toBe(
      '/organizations/org%3Aa%20b/customers?limit=5&status=ACTIVE&cursor=x%2By%2Fz%3D',
    );
    expect(request.headers['x-amz-security-token']).toBe('session-token');
    expect(String(request.headers.authorization)).toContain(`/${region}/execute-api/aws4_request`);
    const { signature, given, signedHeaders } = expectedSignature(request);
    expect(signedHeaders.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
    expect(given).toBe(signature);
    // The answer did not match listCustomers' contract: the client says so rather than returning it.
    expect(result).toMatchObject({ code: 'UNEXPECTED_ANSWER' });
  });

  it('signs a POST body, and a changed body no longer matches', async () => {
    const integration = {
      integrationId: 'int_1',
      organizationId: 'org-1',
      shopDomain: 'a.myshopify.com',
      status: 'ACTIVE',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      hasCustomWebhookSecret: false,
    };
    answer = { status: 201, body: { integration, runId: '01JN0SXCHRXN00000000000000' } };
    received.length = 0;
    const api = createShopifySyncClient({ apiUrl, region, credentials });

    const result = await api.call('connectIntegration', {
      body: { organizationId: 'org-1', shopDomain: 'a.myshopify.com', accessToken: 'shpat_x' },
    });

    expect(result).toEqual({ status: 201, body: answer.body });
    const request = received[0]!;
    expect(JSON.parse(request.body)).toEqual({
      organizationId: 'org-1',
      shopDomain: 'a.myshopify.com',
      accessToken: 'shpat_x',
    });
    expect(expectedSignature(request).given).toBe(expectedSignature(request).signature);
    const tampered = { ...request, body: request.body.replace('shpat_x', 'shpat_y') };
    expect(expectedSignature(tampered).given).not.toBe(expectedSignature(tampered).signature);
  });

  it('sends no signature at all with credentials: false (the local runtime)', async () => {
    answer = { status: 404, body: { error: { code: 'NOT_FOUND', message: 'Integration int_x not found' } } };
    received.length = 0;
    const api = createShopifySyncClient({ apiUrl, credentials: false });

    await expect(api.call('getIntegration', { path: { integrationId: 'int_x' } })).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(received[0]!.headers.authorization).toBeUndefined();
  });
});
