import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { localAccountId, localRegion } from './aws/local-identity.js';

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

/**
 * The runtime's invoke context store, in its multi-concurrency form: the local runtime runs many
 * invocations in one process at once, as Lambda does with `AWS_LAMBDA_MAX_CONCURRENCY`, so
 * Powertools keeps each invocation's log keys and metrics apart instead of mixing them.
 */
export const invokeStore = (): Promise<InvokeStoreBase> => InvokeStore.getInstanceAsync(true);

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
  const store = await invokeStore();
  const invocation = { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId };
  try {
    return await Promise.race([
      store.run(invocation, () => Promise.resolve().then(() => handler(event, context))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
