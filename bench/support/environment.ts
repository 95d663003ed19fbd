/**
 * What every benchmark and chaos run stands on: DynamoDB Local, fresh tables, and a description
 * of the machine the figures were measured on.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTables, deleteTables } from '../../lambdas/adapters/dynamodb/create-tables.js';
import {
  createDocumentClient,
  createDynamoDbClient,
} from '../../lambdas/adapters/dynamodb/document-client.js';
import { type TableNames, tableNamesWithPrefix } from '../../lambdas/adapters/dynamodb/table-definitions.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';

export interface BenchTables {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly names: TableNames;
  readonly prefix: string;
  drop(): Promise<void>;
}

export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  createDynamoDbClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });

/** A fresh set of tables (own prefix) on the given DynamoDB Local. */
export async function createBenchTables(endpoint: string, label = 'bench'): Promise<BenchTables> {
  const tables = openBenchTables(endpoint, `${label}${randomUUID().slice(0, 8)}-`);
  await createTables(tables.client, tables.names);
  return tables;
}

/** The tables another process created with `createBenchTables` (to compare, then drop them). */
export function openBenchTables(endpoint: string, prefix: string): BenchTables {
  const client = localDynamoClient(endpoint);
  const names = tableNamesWithPrefix(prefix);
  return {
    endpoint,
    client,
    doc: createDocumentClient(client),
    names,
    prefix,
    async drop() {
      await deleteTables(client, names);
      client.destroy();
    },
  };
}

/** Uses DYNAMODB_ENDPOINT when given (a running DynamoDB Local), else starts one. */
export async function useDynamoDbLocal(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const given = process.env['DYNAMODB_ENDPOINT'];
  if (given) return { endpoint: given, stop: async () => undefined };
  const dynamo: DynamoDbLocal = await startDynamoDbLocal();
  return { endpoint: dynamo.endpoint, stop: () => dynamo.stop() };
}

export interface MachineInfo {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export const machineInfo = (): MachineInfo => ({
  date: new Date().toISOString(),
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
});

/** Progress goes to stderr so stdout stays the table (or the JSON). */
export const progress = (line: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
};

/** CPU time of a DynamoDB Local JVM (ms), and the part of it its JIT compiler threads spent. */
export interface DynamoDbLocalCpu {
  readonly totalMs: number;
  readonly compilerMs: number;
}

/**
 * The CPU the DynamoDB Local serving `endpoint` has used so far, read from /proc per thread:
 * the JIT's share ("C2 CompilerThread…") shows whether a timed run paid for warming it up.
 */
export function dynamoDbLocalCpu(endpoint: string): DynamoDbLocalCpu | undefined {
  const port = new URL(endpoint).port;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const cpuMs = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  const argsOf = (pid: string): string[] => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      // a process that ended meanwhile (on a shared machine, often): not the one looked for
      return [];
    }
  };
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const args = argsOf(pid);
      // The JVM itself (not the shell watching it), launched by local/dynamodb-local.ts
      // (`port=<n>` to its Jetty configuration) or by the jar's own main (`-port <n>`).
      if (args[0] !== 'java' || !args.some((arg) => arg.includes('DynamoDBLocal.jar'))) continue;
      if (!args.includes(`port=${port}`) && args[args.indexOf('-port') + 1] !== port) continue;
      let compilerMs = 0;
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
          if (/\(C\d CompilerThre/.test(stat)) compilerMs += cpuMs(stat);
        } catch {
          // a thread that ended meanwhile
        }
      }
      return { totalMs: cpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8')), compilerMs };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
