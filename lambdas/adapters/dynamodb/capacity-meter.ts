/**
 * What a client's DynamoDB requests cost, as DynamoDB reports it: every request that can asks for
 * `ReturnConsumedCapacity: TOTAL`, and the meter adds up the requests and the read and write units
 * per table. The bench reads it (writes per reconcile, cost per store); list prices times request
 * counts guess what a write costs, the consumed units are what is billed (an item over 1 KB is
 * several write units).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { capacityReporting, consumedUnits } from '../usage-meter.js';

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
      if (!capacityReporting.has(command)) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string; TableName?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const reports = consumedUnits(command, result.output, input.TableName);
      if (reports.length === 0 && input.TableName) usageOf(input.TableName).requests += 1;
      reports.forEach((report, n) => {
        const usage = usageOf(report.table);
        if (n === 0) usage.requests += 1;
        usage.readUnits += report.readUnits;
        usage.writeUnits += report.writeUnits;
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
