/**
 * What the handlers' requests cost, counted where they are made: every AWS SDK client (requests
 * per service; DynamoDB's read and write units as DynamoDB reports them with
 * `ReturnConsumedCapacity`), and the Shopify Admin client (calls and points). The local runtime
 * adds what only the platform sees (Lambda invocations and their time, API Gateway requests, log
 * bytes) and charges each invocation to a store, so the bench can price a store-month from counts
 * instead of guesses (docs/cost.md).
 *
 * Off unless the local runtime or the bench turns it on before the handlers build their clients:
 * a deployed Lambda attaches no middleware and asks DynamoDB for nothing more.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Counter name → amount, e.g. `dynamodb.writeUnits`, `sqs.requests`, `shopify.points`. */
export type Usage = Record<string, number>;

export interface UsageLedger {
  /** Per account (a store, or `fleet` for work no store asked for), the counters charged to it. */
  readonly accounts: ReadonlyMap<string, Usage>;
  add(counter: string, amount?: number): void;
  reset(): void;
}

/** The account of work nobody charged to a store: scheduled rounds, the daily health check. */
export const FLEET_ACCOUNT = 'fleet';

/** Who pays for the work in progress, and which function does it (its memory prices its time). */
interface Payer {
  readonly account: string;
  readonly functionName: string;
}

const payerScope = new AsyncLocalStorage<Payer>();
let ledger: (UsageLedger & { addTo(account: string, counter: string, amount: number): void }) | undefined;

/** Turns the meter on for this process (idempotent); clients built from now on are metered. */
export const enableUsageMeter = (): UsageLedger => {
  if (ledger) return ledger;
  const accounts = new Map<string, Usage>();
  const addTo = (account: string, counter: string, amount: number) => {
    let usage = accounts.get(account);
    if (!usage) accounts.set(account, (usage = {}));
    usage[counter] = (usage[counter] ?? 0) + amount;
  };
  ledger = {
    accounts,
    addTo,
    add: (counter, amount = 1) => addTo(payerScope.getStore()?.account ?? FLEET_ACCOUNT, counter, amount),
    reset: () => accounts.clear(),
  };
  return ledger;
};

export const usageMeterEnabled = (): boolean => ledger !== undefined;

/** Charges what `work` costs (everything it awaits) to `account`, as done by `functionName`. */
export const chargeTo = <T>(account: string, functionName: string, work: () => T): T =>
  payerScope.run({ account, functionName }, work);

/**
 * Counts one request to `service` (`dynamodb`, `sqs`, `shopify`...): `<service>.requests`, and
 * `calls.<function>.<service>`, from which the bench prices the waiting time it adds to the
 * function's billed duration.
 */
export const countRequest = (service: string): void => {
  if (!ledger) return;
  ledger.add(`${service}.requests`);
  ledger.add(`calls.${payerScope.getStore()?.functionName ?? 'none'}.${service}`);
};

/** Adds to the current account's counter; nothing while the meter is off. */
export const countUsage = (counter: string, amount = 1): void => {
  ledger?.add(counter, amount);
};

interface ConsumedCapacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

/** DynamoDB commands whose input takes ReturnConsumedCapacity. */
export const capacityReporting = new Set([
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
const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface TableUnits {
  readonly table: string;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/**
 * The units of one response, per table. A write's `CapacityUnits` are write units and a read's
 * read units; a transaction reports both kinds separately when it has them.
 */
export const consumedUnits = (
  command: string,
  output: unknown,
  fallbackTable: string | undefined,
): TableUnits[] => {
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)
    ?.ConsumedCapacity;
  const reports = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  const isWrite = writeCommands.has(command);
  return reports.map((report) => {
    const units = report.CapacityUnits ?? 0;
    return {
      table: report.TableName ?? fallbackTable ?? 'unknown',
      readUnits: report.ReadCapacityUnits ?? (isWrite ? 0 : units),
      writeUnits: report.WriteCapacityUnits ?? (isWrite ? units : 0),
    };
  });
};

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<{ output: unknown }>,
        context: { commandName?: string; clientName?: string },
      ) => (args: { input: unknown }) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Counts an AWS SDK client's requests under `<service>.requests` (and, for SQS and EventBridge,
 * what is billed per entry), and DynamoDB's consumed units. A no-op while the meter is off.
 */
export const meterAwsClient = <T>(client: T, service: string): T => {
  if (!ledger) return client;
  (client as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        TableName?: string;
        Entries?: readonly unknown[];
      };
      const reportsCapacity = service === 'dynamodb' && capacityReporting.has(command);
      if (reportsCapacity) input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      countRequest(service);
      // Per command, so a report can say which requests an hour's cost goes to.
      countUsage(`${service}.requests.${command.replace(/Command$/, '')}`);
      // EventBridge bills per event (64 KB chunk), not per PutEvents call.
      if (service === 'eventbridge' && command === 'PutEventsCommand')
        countUsage('eventbridge.events', input.Entries?.length ?? 0);
      if (reportsCapacity) {
        for (const units of consumedUnits(command, result.output, input.TableName)) {
          countUsage('dynamodb.readUnits', units.readUnits);
          countUsage('dynamodb.writeUnits', units.writeUnits);
          countUsage(`dynamodb.writeUnits.${units.table}`, units.writeUnits);
          if (units.writeUnits > 0)
            countUsage(
              `dynamodb.writeUnits.${units.table}.${command.replace(/Command$/, '')}`,
              units.writeUnits,
            );
        }
      }
      return result;
    },
    { step: 'initialize', name: 'usageMeter' },
  );
  return client;
};
