/**
 * P4 (second half): size and import time of each built Lambda bundle in cdk.out, next to a
 * trivial handler bundled with the same esbuild options as lib/constructs/lambda-function.ts.
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
  /** Median of several fresh processes: time of `await import(bundle)`. */
  readonly importMs: number;
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

const importMs = (file: string, runs: number): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'us-east-1' },
    });
    samples.push(Number(out.trim().split('\n').at(-1)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
};

/** A do-nothing handler through the same esbuild options as the stack's NodejsFunction. */
const minimalBundle = async (dir: string): Promise<string> => {
  const entry = path.join(dir, 'minimal.ts');
  writeFileSync(entry, 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n');
  const outfile = path.join(dir, 'minimal', 'index.mjs');
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
    logLevel: 'warning',
  });
  return outfile;
};

export async function measureBundles(
  root: string,
  runs: number,
): Promise<{ bundles: BundleMeasure[]; minimal: BundleMeasure; note?: string }> {
  const note = ensureCdkOut(root);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const minimalFile = await minimalBundle(tmp);
    progress(`P4 bundles: import time, median of ${runs} fresh processes each`);
    const minimal = {
      name: 'minimal',
      bytes: statSync(minimalFile).size,
      importMs: importMs(minimalFile, runs),
    };
    const bundles = [...bundlesByLambda(root)].map(([name, file]) => ({
      name,
      bytes: statSync(file).size,
      importMs: importMs(file, runs),
    }));
    return { bundles, minimal, ...(note && { note }) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
