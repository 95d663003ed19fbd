import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A failed ConditionExpression: in this codebase, a normal outcome (stale, duplicate), not an error. */
export const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
