/**
 * `npm start` as a user runs it: a real process on free ports, its output, its signals, and the
 * DynamoDB Local JVM it must never leave behind (looked for in /proc).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/dynamodb-local.js';
import { settingsSchema, startCommand } from '../../../local/start-settings.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];

const run = (command: string, args: string[], env: Record<string, string> = {}): Started => {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const entry = { child, output: () => output, exited };
  started.push(entry);
  return entry;
};

/** `node --import tsx local/start.ts`, as `npm start` runs it, on the Node running this test. */
const startScript = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], env);

const freePorts = async () => ({
  API_PORT: String(await freePort()),
  SHOPIFY_SIMULATOR_PORT: String(await freePort()),
  AWS_LOCAL_PORT: String(await freePort()),
  DYNAMODB_LOCAL_PORT: String(await freePort()),
});

const until = async (what: string, condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Live (not zombie) processes whose command line is the DynamoDB Local JVM on this port. */
const javaOnPort = (port: string): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return (
          state !== 'Z' &&
          path.basename(argv[0] ?? '') === 'java' &&
          // On its classpath (started through Jetty's XmlConfiguration on 127.0.0.1, port=N).
          argv.some((arg) => arg.includes('DynamoDBLocal.jar')) &&
          argv.includes(`port=${port}`)
        );
      } catch {
        return false; // gone while we looked
      }
    })
    .map(Number);

/** Whether anything accepts connections on this port (the orphaned runtime's HTTP API). */
const answers = (port: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

afterEach(async () => {
  for (const { child, exited } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
});

// Each test starts the runtime in its own process (a JVM, tsx, the handlers): minutes on a loaded machine.
describe('npm start', { timeout: 300_000 }, () => {
  it('--help lists every option and every environment setting, generated from their definitions', async () => {
    const help = startScript(['--help']);
    expect((await help.exited).code).toBe(0);
    for (const option of Object.keys(startCommand.options)) expect(help.output()).toContain(`--${option}`);
    for (const variable of Object.keys(settingsSchema.shape)) expect(help.output()).toContain(variable);
    expect(help.output()).toContain('--help');
  });

  it('an unknown option is a clear error with the usage, not a stack trace', async () => {
    const wrong = startScript(['--bogus']);
    expect((await wrong.exited).code).toBe(2);
    expect(wrong.output()).toContain("Unknown option '--bogus'");
    expect(wrong.output()).toContain('Usage: npm start');
    expect(wrong.output()).not.toMatch(/\n\s+at /);
  });

  it('refuses a taken DynamoDB Local port, naming DYNAMODB_LOCAL_PORT, and starts no JVM', async () => {
    const ports = await freePorts();
    const holder: Server = createServer();
    await new Promise<void>((resolve) =>
      holder.listen(Number(ports.DYNAMODB_LOCAL_PORT), '127.0.0.1', resolve),
    );
    try {
      const second = startScript([], ports);
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toContain(`Port ${ports.DYNAMODB_LOCAL_PORT} is already in use`);
      expect(second.output()).toContain('DYNAMODB_LOCAL_PORT');
      expect(javaOnPort(ports.DYNAMODB_LOCAL_PORT)).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('a taken API port names API_PORT', async () => {
    const ports = await freePorts();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(Number(ports.API_PORT), '127.0.0.1', resolve));
    try {
      const second = startScript([], ports);
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toContain('API_PORT');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('SIGINT to the npm process during the demo sync stops everything within seconds, no JVM left, and the output has no poll noise', async () => {
    const ports = await freePorts();
    const npm = run('npm', ['start', '--silent'], ports);
    await until('the initial sync to report progress', () => /initial sync: /.test(npm.output()), 150_000);
    // Let the sync (and its status polls) run a while.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const jvm = javaOnPort(ports.DYNAMODB_LOCAL_PORT);
    expect(jvm).toHaveLength(1);

    const signalled = Date.now();
    npm.child.kill('SIGINT');
    await npm.exited;
    const stopSeconds = (Date.now() - signalled) / 1000;
    await until('the JVM to go', () => javaOnPort(ports.DYNAMODB_LOCAL_PORT).length === 0, 3000);

    // Measured ~2.5-4 s on a loaded two-core machine; start.ts exits by itself after 4 s.
    expect(stopSeconds).toBeLessThan(8);
    const lines = npm.output().split('\n');
    expect(lines.filter((line) => line.includes('[http-api]'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    // One line per resource status change at most (queued/pending, syncing, completed), never one per poll.
    expect(lines.filter((line) => line.includes('initial sync')).length).toBeLessThanOrEqual(12);
    expect(npm.output()).toContain('SIGINT: stopping');
  });

  it('a crash (SIGKILL: no handler runs) leaves no DynamoDB Local behind', async () => {
    const ports = await freePorts();
    const runtime = startScript(['--no-connect'], ports);
    await until('the runtime to start', () => runtime.output().includes('Ctrl-C stops everything'), 150_000);
    expect(javaOnPort(ports.DYNAMODB_LOCAL_PORT)).toHaveLength(1);

    runtime.child.kill('SIGKILL');
    await runtime.exited;
    await until('the JVM to go', () => javaOnPort(ports.DYNAMODB_LOCAL_PORT).length === 0, 5000);
  });

  it('the npm process killed outright: the runtime notices it is orphaned and stops, no JVM left', async () => {
    const ports = await freePorts();
    const npm = run('npm', ['start', '--silent', '--', '--no-connect'], ports);
    await until('the runtime to start', () => npm.output().includes('Ctrl-C stops everything'), 150_000);
    expect(javaOnPort(ports.DYNAMODB_LOCAL_PORT)).toHaveLength(1);

    npm.child.kill('SIGKILL');
    await npm.exited;
    await until(
      'the orphaned runtime to stop its JVM',
      () => javaOnPort(ports.DYNAMODB_LOCAL_PORT).length === 0,
      15_000,
    );
    expect(await answers(ports.API_PORT)).toBe(false);
  });
});
