/**
 * P4 (second half): size and import time of each built Lambda bundle in cdk.out, next to two
 * handlers bundled with the same esbuild options as lib/constructs/lambda-function.ts: an empty
 * one (Node's floor) and the fair baseline, a bare handler that imports the DynamoDB document
 * client and PutItems, which is the least any of these Lambdas can load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { lambdaCatalog, type LambdaId } from '../../lambdas/handlers/catalog.js';
import { progress } from '../support/environment.js';

export interface BundleMeasure {
  readonly name: string;
  readonly bytes: number;
  /** Median of several fresh processes: wall time of `await import(bundle)`. */
  readonly importMs: number;
  /**
   * Median CPU time (user + system) of the same imports: the work the import does, which the
   * other tenants of a shared machine disturb far less than its wall time.
   */
  readonly importCpuMs: number;
}

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts'))
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
};

/** Synthesises when cdk.out is missing or older than the Lambda sources; returns a note if it could not. */
const ensureCdkOut = (root: string): string | undefined => {
  const manifest = path.join(root, 'cdk.out', 'manifest.json');
  const stale = !existsSync(manifest) || statSync(manifest).mtimeMs < newestMtime(path.join(root, 'lambdas'));
  if (!stale) return undefined;
  progress('P4 bundles: cdk.out missing or older than lambdas/: npx cdk synth --no-notices --quiet');
  const result = spawnSync('npx', ['cdk', 'synth', '--no-notices', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status === 0) return undefined;
  if (!existsSync(manifest)) throw new Error(`cdk synth failed:\n${result.stderr.slice(-2000)}`);
  return 'cdk synth failed; measured the existing (older) cdk.out';
};

/** Which asset directory holds which catalog Lambda, read from the synthesised template. */
const bundlesByLambda = (root: string): Map<LambdaId, string> => {
  const cdkOut = path.join(root, 'cdk.out');
  const found = new Map<LambdaId, string>();
  for (const file of readdirSync(cdkOut).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(readFileSync(path.join(cdkOut, file), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: { Code?: { S3Key?: string } } }>;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const key = resource.Properties?.Code?.S3Key;
      if (resource.Type !== 'AWS::Lambda::Function' || !key) continue;
      const id = (Object.keys(lambdaCatalog) as LambdaId[]).find((name) =>
        logicalId.includes(`${name}Function`),
      );
      const bundle = path.join(cdkOut, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
      if (id && existsSync(bundle)) found.set(id, bundle);
    }
  }
  return found;
};

/** One fresh process importing the bundle: wall and CPU milliseconds of the import. */
const importOnce = (file: string): { wall: number; cpu: number } => {
  const script = [
    'const cpu = process.cpuUsage();',
    'const t = performance.now();',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'const wall = performance.now() - t;',
    'const used = process.cpuUsage(cpu);',
    'console.log(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000 }));',
  ].join(' ');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { wall: number; cpu: number };
};

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const handlerSources = {
  minimal: 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n',
  dynamodb: [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';",
    'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    'export const handler = async (event: { body?: string }) => {',
    "  await doc.send(new PutCommand({ TableName: process.env.TABLE, Item: { id: 'bare', body: event.body } }));",
    '  return { statusCode: 200 };',
    '};',
    '',
  ].join('\n'),
} as const;

/** A baseline handler through the same esbuild options as the stack's NodejsFunction. */
const baselineBundle = async (
  root: string,
  dir: string,
  name: keyof typeof handlerSources,
): Promise<string> => {
  const entry = path.join(dir, `${name}.ts`);
  writeFileSync(entry, handlerSources[name]);
  const outfile = path.join(dir, name, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    define: { 'process.env.POWERTOOLS_TRACE_ENABLED': '"false"' },
    // The entry lives in a temporary directory: resolve packages from the project.
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'warning',
  });
  return outfile;
};

export async function measureBundles(
  root: string,
  runs: number,
): Promise<{ bundles: BundleMeasure[]; minimal: BundleMeasure; dynamodb: BundleMeasure; note?: string }> {
  const note = ensureCdkOut(root);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const minimalFile = await baselineBundle(root, tmp, 'minimal');
    const dynamodbFile = await baselineBundle(root, tmp, 'dynamodb');
    progress(`P4 bundles: import time, median of ${runs} fresh processes each, interleaved`);
    // Interleaved round by round, so a busy moment of the shared machine hits every bundle alike.
    const files = [
      ['minimal', minimalFile],
      ['dynamodb', dynamodbFile],
      ...[...bundlesByLambda(root)],
    ] as const;
    const samples = new Map<string, { wall: number; cpu: number }[]>(files.map(([name]) => [name, []]));
    for (let round = 0; round < runs; round += 1)
      for (const [name, file] of files) samples.get(name)!.push(importOnce(file));
    const [minimal, dynamodb, ...bundles] = files.map(([name, file]) => ({
      name,
      bytes: statSync(file).size,
      importMs: median(samples.get(name)!.map((s) => s.wall)),
      importCpuMs: median(samples.get(name)!.map((s) => s.cpu)),
    }));
    return { bundles, minimal: minimal!, dynamodb: dynamodb!, ...(note && { note }) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
