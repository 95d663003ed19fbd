/**
 * What a client's DynamoDB requests cost, as DynamoDB reports it: every request that can asks for
 * `ReturnConsumedCapacity: TOTAL`, and the meter adds up the requests and the read and write units
 * per table. The bench reads it (writes per reconcile, cost per store); list prices times request
 * counts guess what a write costs, the consumed units are what is billed (an item over 1 KB is
 * several write units).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface TableUsage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

export interface CapacityMeter {
  /** Per table name; a request without a reported capacity counts as a request only. */
  readonly tables: Map<string, TableUsage>;
  total(): TableUsage;
  reset(): void;
}

interface ConsumedCapacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

/** Commands whose input takes ReturnConsumedCapacity (the rest pass through uncounted). */
const metered = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);
const writes = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export const meterCapacity = (client: DynamoDBClient): CapacityMeter => {
  const tables = new Map<string, TableUsage>();
  const usageOf = (table: string) => {
    let usage = tables.get(table);
    if (!usage) tables.set(table, (usage = { requests: 0, readUnits: 0, writeUnits: 0 }));
    return usage;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!metered.has(command)) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string; TableName?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] };
      const consumed = output.ConsumedCapacity;
      const reports = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
      if (reports.length === 0 && input.TableName) usageOf(input.TableName).requests += 1;
      reports.forEach((report, n) => {
        const usage = usageOf(report.TableName ?? input.TableName ?? 'unknown');
        if (n === 0) usage.requests += 1;
        const units = report.CapacityUnits ?? 0;
        const read = report.ReadCapacityUnits ?? (writes.has(command) ? 0 : units);
        const write = report.WriteCapacityUnits ?? (writes.has(command) ? units : 0);
        usage.readUnits += read;
        usage.writeUnits += write;
      });
      return result;
    },
    { step: 'initialize', name: 'capacityMeter' },
  );
  return {
    tables,
    total: () =>
      [...tables.values()].reduce(
        (sum, usage) => ({
          requests: sum.requests + usage.requests,
          readUnits: sum.readUnits + usage.readUnits,
          writeUnits: sum.writeUnits + usage.writeUnits,
        }),
        { requests: 0, readUnits: 0, writeUnits: 0 },
      ),
    reset: () => tables.clear(),
  };
};
