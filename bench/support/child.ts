import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncJob, SyncJobResult } from '../workers/sync-process.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs a TypeScript file of bench/ in a fresh Node process (tsx loader) and parses its last stdout
 * line. With BENCH_CPU_PROF=<dir> each child writes a V8 CPU profile there (node --cpu-prof).
 */
export function runBenchProcess<T>(
  relativeFile: string,
  argument: unknown,
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...nodeFlags,
        ...(process.env['BENCH_CPU_PROF']
          ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_CPU_PROF']]
          : []),
        '--import',
        'tsx',
        path.join(benchDir, relativeFile),
        JSON.stringify(argument),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    // Only the tail matters: the result is the last line (a measured handler may log above it).
    child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-200_000)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code !== 0 || !last) return reject(new Error(`${relativeFile} exited ${code}:\n${stderr}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${relativeFile} printed no JSON result:\n${stdout.slice(-2000)}\n${stderr}`));
      }
    });
  });
}

/** The sync worker's memory in the stack (lib/constructs/sync-pipeline.ts). */
export const SYNC_WORKER_MEMORY_MB = 1024;

/**
 * The heap limits Lambda's Node.js runtime starts a function of `memoryMb` with (its bootstrap:
 * a tenth of the memory for the young generation, half of that a semi-space, the rest old
 * space). Without them Node sizes the young generation for this machine's 24 GiB (up to 128 MiB
 * of semi-spaces), and a sync's peak RSS measures that, not the deployed worker.
 */
export const lambdaHeapFlags = (memoryMb: number): string[] => {
  const youngMb = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(youngMb / 2)}`, `--max-old-space-size=${memoryMb - youngMb}`];
};

export const runSyncJob = (job: SyncJob): Promise<SyncJobResult> =>
  runBenchProcess<SyncJobResult>('workers/sync-process.ts', job, {}, lambdaHeapFlags(SYNC_WORKER_MEMORY_MB));

export interface BenchService<T> {
  readonly ready: T;
  stop(): void;
}

/** Starts a long-running TypeScript file of bench/ and waits for the JSON line it prints when ready. */
export function startBenchService<T>(relativeFile: string, argument: unknown): Promise<BenchService<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(benchDir, relativeFile), JSON.stringify(argument)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${relativeFile} exited ${code}:\n${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      try {
        resolve({ ready: JSON.parse(stdout.slice(0, newline)) as T, stop: () => child.kill('SIGTERM') });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}
