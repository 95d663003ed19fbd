import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs `bin/app.ts` the way the CDK CLI does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
const runApp = (context: Record<string, unknown>) => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shopify-sync-app-'));
  outdirs.push(outdir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, ...context }),
    },
  });
  return { ...result, outdir };
};

describe('bin/app.ts', () => {
  it('is what cdk.json runs', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  // Bundles all five Lambdas in a child process: ~30 s alone, over a minute on a busy machine.
  it('synthesizes the stack named after the stage, with cdk-nag passing', { timeout: 180_000 }, () => {
    const run = runApp({ stage: 'ci' });
    expect(run.stderr).not.toMatch(/AwsSolutions-/);
    expect(run.status).toBe(0);
    expect(existsSync(path.join(run.outdir, 'ShopifySync-ci.template.json'))).toBe(true);
  });

  it('fails before creating anything when a context value is invalid, naming the key', () => {
    const run = runApp({ minSyncIntervalMinutes: 0 });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid context "minSyncIntervalMinutes": expected a positive integer');
    expect(existsSync(path.join(run.outdir, 'manifest.json'))).toBe(false);
  });

  it('fails on a misspelt context key instead of ignoring it (-c alarmEmial=...)', () => {
    const run = runApp({ alarmEmial: 'ops@example.com' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Unknown context "alarmEmial": not a setting of this stack (did you mean "alarmEmail"?)',
    );
    expect(existsSync(path.join(run.outdir, 'manifest.json'))).toBe(false);
  });
});
