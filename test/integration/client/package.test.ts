/**
 * The client as another repository gets it: `npm pack` of client/, installed from the tarball into
 * an empty project outside this repository (so nothing resolves from here), then used by plain
 * JavaScript on Node and checked by TypeScript against the packed declarations, against the real
 * handlers on the local runtime.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const zodVersion = (createRequire(import.meta.url)('zod/package.json') as { version: string }).version;

let runtime: LocalRuntime;
let project: string;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'client-consumer-'));
  // prepack builds dist/ (ESM and declarations) first.
  await run('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: path.join(repoRoot, 'client'),
  });
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'client-consumer', private: true, type: 'module' }),
  );
  // Tarballs come from the npm cache that `npm ci` filled; zod is the package's peer dependency.
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`, `zod@${zodVersion}`],
    { cwd: project },
  );

  runtime = await startLocalRuntime({
    ...isolatedRuntime('pk'),
    demoShop: { customers: 3, orders: 1, products: 1 },
    syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 60 },
    lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' },
    log: () => undefined,
    echoHandlerLogs: false,
  });
}, 240_000);

afterAll(async () => {
  await runtime?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

// Packing builds with tsc, and the typed check runs tsc again: minutes on a loaded machine.
describe('@shopify-sync/client from its tarball', { timeout: 240_000 }, () => {
  it('ships only built ESM, declarations and its README', async () => {
    const { stdout } = await run('tar', ['-tzf', readdirSync(project).find((n) => n.endsWith('.tgz'))!], {
      cwd: project,
    });
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      'package/README.md',
      'package/dist/contracts.d.ts',
      'package/dist/contracts.js',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/package.json',
    ]);
  });

  it('calls the local runtime from an empty project, and names an unknown operation', async () => {
    const shop = runtime.shopify.demoShop!;
    writeFileSync(
      path.join(project, 'consumer.mjs'),
      `
import { createShopifySyncClient, ShopifySyncApiError, UnknownOperationError } from '@shopify-sync/client';
const [apiUrl, shopDomain, accessToken] = process.argv.slice(2);
const api = createShopifySyncClient({
  apiUrl,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
});
const organizationId = 'org-pack';
const connected = await api.call('connectIntegration', { path: { organizationId }, body: { shopDomain, accessToken } });
const listed = await api.call('listOrganizationIntegrations', { path: { organizationId } });
const failure = async (call) => call().then(() => undefined, (error) => ({
  name: error.name, message: error.message, status: error.status, code: error.code,
  known: error instanceof UnknownOperationError || error instanceof ShopifySyncApiError,
}));
console.log(JSON.stringify({
  resolved: import.meta.resolve('@shopify-sync/client'),
  connected: { status: connected.status, shopDomain: connected.body.integration.shopDomain },
  listed: listed.body.items.map((integration) => integration.integrationId),
  integrationId: connected.body.integration.integrationId,
  unknown: await failure(() => api.call('connectIntegrations', {})),
  notFound: await failure(() => api.call('getIntegration', {
    path: { organizationId: 'org-other', integrationId: connected.body.integration.integrationId },
  })),
}));
`,
    );
    const { stdout } = await run(
      process.execPath,
      ['consumer.mjs', runtime.apiUrl, shop.shopDomain, shop.accessToken],
      {
        cwd: project,
      },
    );
    const result = JSON.parse(stdout) as Record<string, unknown> & {
      integrationId: string;
      resolved: string;
    };

    expect(fileURLToPath(result.resolved)).toBe(
      path.join(project, 'node_modules/@shopify-sync/client/dist/index.js'),
    );
    expect(result.connected).toEqual({ status: 201, shopDomain: shop.shopDomain });
    expect(result.listed).toEqual([result.integrationId]);
    expect(result.unknown).toMatchObject({ name: 'UnknownOperationError', known: true });
    expect(String((result.unknown as { message: string }).message)).toContain(
      'Unknown operation "connectIntegrations"',
    );
    expect(result.notFound).toMatchObject({ name: 'ShopifySyncApiError', status: 404, known: true });
  });

  it('types calls from the packed declarations (TypeScript in the empty project)', async () => {
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['typed.ts'],
      }),
    );
    writeFileSync(
      path.join(project, 'typed.ts'),
      `
import { createShopifySyncClient } from '@shopify-sync/client';
const api = createShopifySyncClient({ apiUrl: 'http://127.0.0.1:1', credentials: false });
export async function status(organizationId: string, integrationId: string): Promise<string> {
  const { body } = await api.call('getIntegration', { path: { organizationId, integrationId } });
  return body.status;
}
// @ts-expect-error -- no such operation
void api.call('connectIntegrations', {});
// @ts-expect-error -- the path needs organizationId
void api.call('listOrganizationIntegrations', { path: {} });
`,
    );
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).then(
      () => 'ok',
      (error: Error & { stdout?: string }) => error.stdout || error.message,
    );
    expect(compiled).toBe('ok');
  });
});
