import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A failed ConditionExpression: in this codebase, a normal outcome (stale, duplicate), not an error. */
export const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException ||
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

/**
 * Awaits a conditional write: true when it landed, false when its condition did not hold (the
 * normal outcome above); any other error is thrown.
 */
export const landed = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
