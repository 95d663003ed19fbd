/**
 * Issue 18, through the local runtime's HTTP API (real handlers), the Shopify simulator's OAuth
 * endpoints over HTTP, DynamoDB Local and the local KMS: the install flow, tampered callbacks,
 * tokens that expire during a sync, single-flight refresh, a lost refresh answer, a dead refresh
 * token, the migration of a static token, and a Dev Dashboard app's client credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { createCredentialStore } from '../../../lambdas/adapters/dynamodb/credential-store.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/document-client.js';
import { createSyncStateStore } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import { createKmsTokenCipher } from '../../../lambdas/adapters/secrets/token-cipher.js';
import { createOAuthClient } from '../../../lambdas/adapters/shopify/oauth-client.js';
import { createTokenProvider } from '../../../lambdas/core/credentials/token-provider.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { createShopifySyncClient } from '../../../client/index.js';
import { installDemoStore } from '../../../local/demo-connect.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { signQuery, type SimulatedShop } from '../../../local/shopify-simulator/index.js';
import { organizationItems } from '../../support/organization-items.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

let runtime: LocalRuntime;
let doc: ReturnType<typeof createDocumentClient>;
const runtimeLog: string[] = [];
beforeEach(() => onTestFailed(() => console.error(runtimeLog.slice(-60).join('\n'))));

const api = () => createShopifySyncClient({ apiUrl: runtime.apiUrl, credentials: false });
const simulator = () => runtime.shopify.simulator!;
const oauth = () => simulator().oauth;

const createShop = (
  name: string,
  extra: Partial<Parameters<ReturnType<typeof simulator>['createShop']>[0]> = {},
) =>
  simulator().createShop({
    shopDomain: `${name}.myshopify.com`,
    accessToken: `shpat_${name.replaceAll('-', '')}0000000000000000`,
    seedCustomers: 12,
    seedOrders: 6,
    seedProducts: 4,
    ...extra,
  });

/** Every item of every table, in a stable order: "nothing written" is equality of two of these. */
const everything = async () => {
  const tables: Record<string, string[]> = {};
  for (const [id, name] of Object.entries(runtime.tableNames)) {
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    tables[id] = Items.map((item) =>
      JSON.stringify(item, (_k, v: unknown) => (v instanceof Set ? [...v] : v)),
    ).sort();
  }
  return tables;
};

const waitForRun = async (
  organizationId: string,
  integrationId: string,
  runId: string,
  timeoutMs = 240_000,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api().call('getSyncRun', { path: { organizationId, integrationId, runId } });
    if (body.status !== 'queued' && body.status !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

const integrationOf = async (organizationId: string, integrationId: string) =>
  (await api().call('getIntegration', { path: { organizationId, integrationId } })).body;

/** The mirror holds exactly the shop's records, resource by resource. */
const expectExactMirror = async (organizationId: string, shop: SimulatedShop) => {
  const ids = async (table: string) =>
    (await organizationItems(doc, table, organizationId))
      .filter((item) => item['status'] === 'ACTIVE')
      .map((item) => String(item['shopifyId']))
      .sort();
  const numeric = (gid: string) => gid.split('/').pop()!;
  expect((await ids(runtime.tableNames.Customers)).map(numeric)).toEqual(
    shop.resources.customers
      .list()
      .map((c) => numeric(c.id))
      .sort(),
  );
  expect(await ids(runtime.tableNames.Orders)).toHaveLength(shop.resources.orders.list().length);
  expect(await ids(runtime.tableNames.Products)).toHaveLength(shop.resources.products.list().length);
};

/** Ten "Lambdas": each its own provider (own cache), sharing the real table, KMS and Shopify. */
const invocation = (offsetMs: number) =>
  createTokenProvider({
    store: createCredentialStore(doc, runtime.tableNames.Integrations),
    cipher: createKmsTokenCipher({
      keyId: runtime.lambdaEnv['TOKEN_KEY_ID']!,
      client: new KMSClient({
        endpoint: runtime.awsEndpoint.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    }),
    endpoint: createOAuthClient({
      clientId: runtime.lambdaEnv['SHOPIFY_APP_CLIENT_ID']!,
      clientSecret: async () => runtime.shopify.appSecret,
      shopUrlTemplate: runtime.lambdaEnv['SHOPIFY_SHOP_URL_TEMPLATE']!,
    }),
    attention: createSyncStateStore(doc, runtime.tableNames.Integrations),
    logger: silentLogger,
    distribution: 'public',
    // As if this invocation ran at the moment the stored token expires.
    now: () => Date.now() + offsetMs,
  });

beforeAll(async () => {
  runtime = await startLocalRuntime({
    ...isolatedRuntime('cred'),
    shopifyAppDistribution: 'public',
    demoShop: false,
    syncEverySeconds: 86_400,
    healthCheckEverySeconds: 86_400,
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 60 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: (line) => runtimeLog.push(line),
    echoHandlerLogs: false,
  });
  doc = createDocumentClient(
    new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('the install flow', () => {
  it('authorize URL → approval → callback → connected with an expiring token → an exact initial sync', async () => {
    const shop = createShop('install-store');
    const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-install');
    const run = await waitForRun('org-install', integrationId, runId);
    expect(run.status).toBe('succeeded');
    await expectExactMirror('org-install', shop);
    const integration = await integrationOf('org-install', integrationId);
    expect(integration).toMatchObject({ status: 'ACTIVE', credentialKind: 'expiring' });
    expect(Date.parse(integration.credentialExpiresAt!)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(integration)).not.toMatch(/shpat_|shprt_/);
    const stored = (
      await doc.send(new GetCommand({ TableName: runtime.tableNames.Integrations, Key: { integrationId } }))
    ).Item!;
    expect(JSON.stringify(stored)).not.toMatch(/shpat_|shprt_/);
  }, 300_000);

  it('refuses an edited shop, a bad hmac, a stale timestamp, a foreign or reused state, writing nothing', async () => {
    createShop('callback-a');
    createShop('callback-b');
    const start = async (organizationId: string, shopDomain: string) => {
      const { body } = await api().call('startInstallation', {
        path: { organizationId },
        body: { shopDomain },
      });
      const approval = await fetch(body.authorizeUrl, { redirect: 'manual' });
      return new URL(approval.headers.get('location')!);
    };
    const callbackA = await start('org-a', 'callback-a.myshopify.com');
    const callbackB = await start('org-b', 'callback-b.myshopify.com');
    const params = (url: URL) => Object.fromEntries(url.searchParams);
    const signed = (fields: Record<string, string>) => {
      const { hmac: _hmac, ...rest } = fields;
      const url = new URL(callbackA.toString());
      url.search = new URLSearchParams({
        ...rest,
        hmac: signQuery(rest, runtime.shopify.appSecret),
      }).toString();
      return url;
    };
    const edited = new URL(callbackA.toString());
    edited.searchParams.set('shop', 'callback-b.myshopify.com');
    const badHmac = new URL(callbackA.toString());
    badHmac.searchParams.set('hmac', '0'.repeat(64));
    const stale = signed({ ...params(callbackA), timestamp: String(Math.floor(Date.now() / 1000) - 3600) });
    // B's state, on a correctly signed callback for shop A: a state bound to another shop.
    const foreign = signed({ ...params(callbackA), state: callbackB.searchParams.get('state')! });

    const before = await everything();
    for (const [url, status] of [
      [edited, 401],
      [badHmac, 401],
      [stale, 400],
      [foreign, 400],
    ] as const) {
      const answer = await fetch(url, { redirect: 'manual' });
      expect(answer.status, url.toString()).toBe(status);
      expect(await answer.text()).not.toMatch(/shpat_|shprt_/);
    }
    expect(await everything()).toEqual(before);

    // The genuine callback works once; its replay is refused and changes nothing.
    const first = await fetch(callbackA, { redirect: 'manual' });
    expect(first.status).toBe(200);
    const connected = (await first.json()) as { integrationId: string; runId: string };
    await waitForRun('org-a', connected.integrationId, connected.runId);
    const afterFirst = await everything();
    expect((await fetch(callbackA, { redirect: 'manual' })).status).toBe(400);
    expect(await everything()).toEqual(afterFirst);
  }, 120_000);

  it('refuses a returnUrl outside the allow-list, and redirects to an allowed one', async () => {
    createShop('return-store');
    const refused = await fetch(`${runtime.apiUrl}/organizations/org-r/installations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: 'return-store.myshopify.com', returnUrl: 'https://evil.example/' }),
    });
    expect(refused.status).toBe(400);
    const { body } = await api().call('startInstallation', {
      path: { organizationId: 'org-r' },
      body: { shopDomain: 'return-store.myshopify.com', returnUrl: `${runtime.apiUrl}/console/` },
    });
    const approval = await fetch(body.authorizeUrl, { redirect: 'manual' });
    const landed = await fetch(approval.headers.get('location')!, { redirect: 'manual' });
    expect(landed.status).toBe(302);
    const location = new URL(landed.headers.get('location')!);
    expect(location.toString().startsWith(`${runtime.apiUrl}/console/`)).toBe(true);
    expect(location.searchParams.get('integrationId')).toMatch(/^int_/);
  }, 120_000);
});

describe('expiring tokens', () => {
  it('an initial sync of a Standard-plan store outlives several 20-second tokens, exact', async () => {
    oauth().configure({ accessTokenTtlSeconds: 20 });
    try {
      const shop = createShop('short-tokens', { seedCustomers: 2500, seedOrders: 200, seedProducts: 60 });
      const refreshesBefore = oauth().refreshGrants(shop.domain);
      const expiredBefore = oauth().stats.expiredTokenCalls;
      const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-short');
      const run = await waitForRun('org-short', integrationId, runId, 600_000);
      expect(run.status).toBe('succeeded');
      await expectExactMirror('org-short', shop);
      // Several tokens lived and died during the sync, each replaced before it expired.
      expect(oauth().refreshGrants(shop.domain) - refreshesBefore).toBeGreaterThanOrEqual(2);
      expect(oauth().stats.expiredTokenCalls - expiredBefore).toBe(0);
      expect(oauth().stats.refreshTokenReuses).toBe(0);
    } finally {
      oauth().configure({ accessTokenTtlSeconds: 3600 });
    }
  }, 700_000);

  it('ten concurrent invocations at the moment of expiry spend exactly one refresh grant', async () => {
    const shop = createShop('concurrent-store');
    const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-conc');
    await waitForRun('org-conc', integrationId, runId);
    const before = oauth().refreshGrants(shop.domain);
    const integration = { integrationId, organizationId: 'org-conc', shopDomain: shop.domain };
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => invocation(3600_000).source(integration).token()),
    );
    expect(oauth().refreshGrants(shop.domain) - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(oauth().authenticate(shop, tokens[0])).toBe('ok');
    expect(oauth().stats.refreshTokenReuses).toBe(0);
  }, 120_000);

  it('recovers a lost refresh answer with the retained refresh token, and the saved pair keeps working', async () => {
    const shop = createShop('lost-answer');
    const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-lost');
    await waitForRun('org-lost', integrationId, runId);
    const integration = { integrationId, organizationId: 'org-lost', shopDomain: shop.domain };
    const reusesBefore = oauth().stats.refreshTokenReuses;
    oauth().dropNextTokenResponses(1);
    const token = await invocation(3600_000).source(integration).token();
    expect(oauth().stats.droppedResponses).toBeGreaterThanOrEqual(1);
    expect(oauth().stats.refreshTokenReuses - reusesBefore).toBe(1);
    expect(oauth().authenticate(shop, token)).toBe('ok');
    // The pair that was saved refreshes again: its refresh token is the live one.
    const next = await invocation(2 * 3600_000)
      .source(integration)
      .token();
    expect(next).not.toBe(token);
    expect(oauth().authenticate(shop, next)).toBe('ok');
  }, 120_000);

  it('an expired refresh token makes the store NEEDS_ATTENTION/REAUTHORIZE with an event and the reinstall route', async () => {
    const shop = createShop('dead-refresh');
    const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-dead');
    await waitForRun('org-dead', integrationId, runId);
    oauth().expireRefreshTokens(shop.domain);
    oauth().expireAccessTokens(shop.domain);
    const { body: sync } = await api().call('requestSync', {
      path: { organizationId: 'org-dead', integrationId },
      query: { force: 'true' },
    });
    const failed = await waitForRun('org-dead', integrationId, String(sync.runId));
    expect(failed.status).toBe('failed');
    const integration = await integrationOf('org-dead', integrationId);
    expect(integration).toMatchObject({
      status: 'NEEDS_ATTENTION',
      statusReason: 'REAUTHORIZE',
      reinstall: {
        method: 'POST',
        path: '/organizations/org-dead/installations',
        body: { shopDomain: shop.domain },
      },
    });
    const events = runtime.events
      .ofType('Integration Needs Attention')
      .map((event) => event.detail as { integrationId: string; reason: string })
      .filter((detail) => detail.integrationId === integrationId);
    expect(events.map((detail) => detail.reason)).toEqual(['REAUTHORIZE']);
    // The remedy: install again.
    const again = await installDemoStore(api(), shop.domain, 'org-dead');
    expect(again.integrationId).toBe(integrationId);
    expect((await waitForRun('org-dead', integrationId, again.runId)).status).toBe('succeeded');
    expect((await integrationOf('org-dead', integrationId)).status).toBe('ACTIVE');
  }, 180_000);
});

describe('static tokens and client credentials', () => {
  it('a static token given to connect is exchanged at once, and still syncs after the cutoff', async () => {
    const shop = createShop('static-store');
    const { body } = await api().call('connectIntegration', {
      path: { organizationId: 'org-static' },
      body: { shopDomain: shop.domain, accessToken: shop.staticAccessToken()! },
    });
    expect(body.integration.credentialKind).toBe('expiring');
    await waitForRun('org-static', body.integration.integrationId, body.runId);
    oauth().configure({ refuseNonExpiringAfter: Date.now() });
    try {
      const { body: sync } = await api().call('requestSync', {
        path: { organizationId: 'org-static', integrationId: body.integration.integrationId },
        query: { force: 'true' },
      });
      expect(
        (await waitForRun('org-static', body.integration.integrationId, String(sync.runId))).status,
      ).toBe('succeeded');
      await expectExactMirror('org-static', shop);
    } finally {
      oauth().configure({ refuseNonExpiringAfter: undefined });
    }
  }, 180_000);

  it('the daily job migrates a stored static token before the cutoff; syncs keep working after it', async () => {
    const shop = createShop('legacy-store');
    const { integrationId, runId } = await installDemoStore(api(), shop.domain, 'org-legacy');
    await waitForRun('org-legacy', integrationId, runId);
    // An item from before credential kinds: a static token only (the shop's, reinstated).
    const legacyToken = 'shpat_legacy000000000000000000000';
    shop.setAccessToken(legacyToken);
    const cipher = createKmsTokenCipher({
      keyId: runtime.lambdaEnv['TOKEN_KEY_ID']!,
      client: new KMSClient({
        endpoint: runtime.awsEndpoint.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
    await doc.send(
      new UpdateCommand({
        TableName: runtime.tableNames.Integrations,
        Key: { integrationId },
        UpdateExpression:
          'SET encryptedAccessToken = :token, credentialVersion = credentialVersion + :one REMOVE credentialKind, credentialExpiresAt, credentialIssuedAt, encryptedRefreshToken, refreshTokenExpiresAt',
        ExpressionAttributeValues: {
          ':token': await cipher.encrypt(legacyToken, { integrationId }),
          ':one': 1,
        },
      }),
    );
    expect((await integrationOf('org-legacy', integrationId)).credentialKind).toBe('static');
    await runtime.scheduler.fire('health-check-schedule');
    expect((await integrationOf('org-legacy', integrationId)).credentialKind).toBe('expiring');
    // Idempotent: a second run finds nothing to migrate and leaves the credential as it was.
    const credential = async () => {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: runtime.tableNames.Integrations,
          Key: { integrationId },
          ConsistentRead: true,
        }),
      );
      return [Item!['credentialVersion'], Item!['encryptedAccessToken'], Item!['encryptedRefreshToken']];
    };
    const before = await credential();
    await runtime.scheduler.fire('health-check-schedule');
    expect(await credential()).toEqual(before);
    oauth().configure({ refuseNonExpiringAfter: Date.now() });
    try {
      const { body: sync } = await api().call('requestSync', {
        path: { organizationId: 'org-legacy', integrationId },
        query: { force: 'true' },
      });
      expect((await waitForRun('org-legacy', integrationId, String(sync.runId))).status).toBe('succeeded');
    } finally {
      oauth().configure({ refuseNonExpiringAfter: undefined });
    }
  }, 180_000);

  it('a Dev Dashboard app connected by client credentials syncs across a token renewal', async () => {
    const devApp = { clientId: 'dev-dashboard-app', clientSecret: 'dev-dashboard-secret' };
    const shop = createShop('own-store', { devDashboardApp: devApp, appSecret: devApp.clientSecret });
    const grantsBefore = oauth().stats.grants['client_credentials'] ?? 0;
    const { body } = await api().call('connectIntegration', {
      path: { organizationId: 'org-own' },
      body: { shopDomain: shop.domain, ...devApp },
    });
    expect(body.integration).toMatchObject({
      credentialKind: 'client-credentials',
      hasCustomWebhookSecret: true,
    });
    expect(JSON.stringify(body)).not.toContain(devApp.clientSecret);
    const { integrationId } = body.integration;
    expect((await waitForRun('org-own', integrationId, body.runId)).status).toBe('succeeded');
    // The 24-hour token runs out: the next sync asks for another with the same credentials.
    oauth().expireAccessTokens(shop.domain);
    const { body: sync } = await api().call('requestSync', {
      path: { organizationId: 'org-own', integrationId },
      query: { force: 'true' },
    });
    expect((await waitForRun('org-own', integrationId, String(sync.runId))).status).toBe('succeeded');
    expect((oauth().stats.grants['client_credentials'] ?? 0) - grantsBefore).toBe(2);
    await expectExactMirror('org-own', shop);
  }, 180_000);
});
