import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { localAccountId, localRegion } from './aws/local-identity.js';
import { chargeTo, countUsage, FLEET_ACCOUNT } from '../lambdas/adapters/usage-meter.js';

/** What the local runtime can invoke: any async Lambda handler, real or written for a test. */
export type LambdaHandler<TEvent = never, TResult = unknown> = (
  event: TEvent,
  context: Context,
) => Promise<TResult> | TResult;

export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
  }
}

export interface InvokeOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
  /**
   * The store the usage meter charges this invocation to (lambdas/adapters/usage-meter.ts), when
   * the runtime can tell: the sync message's integration, the webhook's shop. `fleet` otherwise.
   */
  readonly account?: string;
}

const unsupported = (name: string) => () => {
  throw new Error(`context.${name}() is not supported locally: return or throw instead`);
};

export const lambdaContext = (options: InvokeOptions, deadline: number): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: options.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${localRegion}:${localAccountId}:function:${options.functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${options.functionName}`,
  logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: unsupported('done'),
  fail: unsupported('fail'),
  succeed: unsupported('succeed'),
});

type InvokeContext = Record<string | symbol, unknown>;

/**
 * The invoke context store, as Lambda's runtime client provides it in multi-concurrency mode
 * (`AWS_LAMBDA_MAX_CONCURRENCY`): one context per invocation, carried by AsyncLocalStorage. The
 * local runtime runs many invocations in one process at once, so Powertools must keep each one's
 * request id, log keys and metrics apart instead of sharing them.
 */
class LocalInvokeStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<InvokeContext>();
  getContext() {
    return this.als.getStore();
  }
  hasContext() {
    return this.als.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.als.getStore()?.[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key))
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const store = this.als.getStore();
    if (store) store[key] = value;
  }
  run<T>(context: InvokeContext, fn: () => T): T {
    return this.als.run({ ...context }, fn);
  }
}

const localInvokeStore = new LocalInvokeStore();

/**
 * Installs the store where Lambda's runtime puts it (`globalThis.awslambda.InvokeStore`), in place
 * of any single-context store an SDK client created on first use; returns the previous one.
 */
export const installInvokeStore = (): (() => void) => {
  const lambdaGlobal = ((globalThis as { awslambda?: { InvokeStore?: unknown } }).awslambda ??= {});
  const previous = lambdaGlobal.InvokeStore;
  lambdaGlobal.InvokeStore = localInvokeStore;
  return () => {
    lambdaGlobal.InvokeStore = previous;
  };
};

/**
 * Invokes a handler the way Lambda does, inside its own invoke context: with a Context whose remaining time counts down to the
 * configured timeout, and a `LambdaTimeoutError` once it passes. In-process code cannot be frozen,
 * so a timed-out handler keeps running in the background; its result is discarded, as in Lambda.
 */
export async function invokeLambda<TEvent, TResult>(
  handler: LambdaHandler<TEvent, TResult>,
  event: TEvent,
  options: InvokeOptions,
): Promise<TResult> {
  const context = lambdaContext(options, Date.now() + options.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LambdaTimeoutError(options.functionName, options.timeoutMs)),
      options.timeoutMs,
    );
  });
  const invocation = { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId };
  const started = Date.now();
  const payer = options.account ?? FLEET_ACCOUNT;
  return chargeTo(payer, options.functionName, async () => {
    countUsage(`lambda.invocations.${options.functionName}`);
    try {
      return await Promise.race([
        localInvokeStore.run(invocation, () => Promise.resolve().then(() => handler(event, context))),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      countUsage(`lambda.wallMs.${options.functionName}`, Date.now() - started);
    }
  });
}
