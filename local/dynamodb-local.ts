import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The Java process's id (tests look for it after the runtime is gone). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** A port something else holds; `service` says what we wanted it for. Callers name the setting that moves it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'EADDRINUSE';
  constructor(
    readonly port: number,
    readonly service: string,
  ) {
    super(`Port ${port} is already in use (wanted for ${service})`);
  }
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH. ' +
        'Install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) and try again.',
    );
    this.name = 'JavaMissingError';
  }
}

const emulatorDir = (): string => {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** DynamoDB Local on 127.0.0.1 only (dynamodb-local.xml says how and why). */
const jettyConfiguration = fileURLToPath(new URL('./dynamodb-local.xml', import.meta.url));
/**
 * Whether 127.0.0.1:port is taken: something answers there, or holds it so we could not listen.
 * DynamoDB Local on a taken port would not fail at once: the old server answers our readiness
 * probe, and the runtime would go on with its stale leases and data.
 */
export const portTaken = async (port: number): Promise<boolean> => {
  const answers = await new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (answers) return true;
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
};

/**
 * Runs the Java command as a child of a small shell that watches its stdin, a pipe from this
 * process: whenever the pipe closes (stop(), a normal exit, a crash, SIGKILL: the kernel closes it
 * in every case) it stops Java, and kills it 5 s later if it is still there. So no exit path of
 * ours leaves a JVM behind holding the port. SIGKILL, because its data is in memory (-inMemory):
 * there is nothing to flush, and a JVM's orderly shutdown costs seconds. It prints Java's pid first.
 */
const watchdogScript = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- >/dev/null &',
  'java=$!',
  'echo "$java"',
  '( while read -r _ <&3; do :; done; kill -9 "$java" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$java"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const javaAvailable = (): boolean => spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;

async function waitUntilListening(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early with code ${child.exitCode}`);
    try {
      // Any HTTP answer (400 for a bare POST) means the server is up.
      await fetch(endpoint, { method: 'POST' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * Starts AWS's DynamoDB Local (in memory) on a free port, or the given one; a given port that is
 * already taken is a PortInUseError, never a reuse of whatever listens there.
 */
export async function startDynamoDbLocal(options: { port?: number } = {}): Promise<DynamoDbLocal> {
  if (!javaAvailable()) throw new JavaMissingError();
  const port = options.port ?? (await freePort());
  if (await portTaken(port)) throw new PortInUseError(port, 'DynamoDB Local');
  const dir = emulatorDir();
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      watchdogScript,
      'dynamodb-local',
      'java',
      '-Xmx2g',
      `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      [path.join(dir, 'DynamoDBLocal.jar'), path.join(dir, 'DynamoDBLocal_lib', '*')].join(path.delimiter),
      // Not the jar's own main: its command line cannot choose the interface, and it listens on
      // all of them. This configuration builds the same server on 127.0.0.1 (and no telemetry).
      'org.eclipse.jetty.xml.XmlConfiguration',
      `port=${port}`,
      jettyConfiguration,
    ],
    {
      // It writes a metadata file into its working directory: keep that out of the checkout.
      cwd: tmpdir(),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches us, and we stop it in order.
      detached: true,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const pid = new Promise<number>((resolve) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Closing the pipe is the one stop signal the watchdog knows.
    child.stdin.end();
    const javaPid = await pid;
    const forced = setTimeout(() => {
      for (const target of [javaPid, child.pid])
        try {
          if (target) process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
    }, 8000);
    await exited;
    clearTimeout(forced);
  };
  try {
    await waitUntilListening(endpoint, child, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return { endpoint, port, pid: await pid, stop };
}
