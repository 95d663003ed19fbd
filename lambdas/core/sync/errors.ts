import { DomainError } from '../errors.js';

/**
 * The store refused us for a reason retrying cannot fix (token revoked, app uninstalled, shop
 * frozen). The integration is flagged NEEDS_ATTENTION with `reason` instead of being retried.
 */
export abstract class IntegrationAttentionError extends Error {
  abstract readonly reason: string;
}

/**
 * Shopify refused one resource's query (GraphQL `ACCESS_DENIED`: the app lacks that resource's
 * scope) while the token itself works. That resource is flagged on the integration and skipped;
 * the other resources keep syncing.
 */
export abstract class ResourceAccessDeniedError extends Error {
  abstract readonly reason: string;
}

export const isResourceAccessDenied = (error: unknown): error is ResourceAccessDeniedError =>
  error instanceof ResourceAccessDeniedError;

export const isAttentionError = (error: unknown): error is IntegrationAttentionError =>
  error instanceof IntegrationAttentionError;

export class SyncInProgressError extends DomainError {
  constructor(readonly runId: string) {
    super('SYNC_IN_PROGRESS', 409, `A sync of this integration is already running (run ${runId})`);
  }
}

export class IntegrationNotActiveError extends DomainError {
  constructor(status: string, reason?: string) {
    super(
      'INTEGRATION_NOT_ACTIVE',
      409,
      `Integration is ${status}${reason ? ` (${reason})` : ''}; only ACTIVE integrations can be synced`,
    );
  }
}

/** Another run holds the integration's lease; a continuation message is retried later by SQS. */
export class LeaseBusyError extends Error {
  constructor(
    readonly integrationId: string,
    readonly holderRunId: string | undefined,
  ) {
    super(
      `Integration ${integrationId} is leased by another sync run${holderRunId ? ` (${holderRunId})` : ''}`,
    );
    this.name = 'LeaseBusyError';
  }
}

/**
 * A failed attempt that should come back soon rather than after the queue's visibility timeout
 * (30 minutes): the worker hides its message for `delaySeconds` (ChangeMessageVisibility) and
 * reports it failed, so SQS redelivers it then. `cause` is the failure itself.
 */
export class RetryLaterError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly delaySeconds: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'RetryLaterError';
  }
}

/** SQS's longest visibility timeout: 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

/** `base` after the first failed receive, then ×4 each time: 30 s, 2 min, 8 min, 32 min… */
export const retryDelaySeconds = (receiveCount: number, base = 30, max = MAX_DELAY_SECONDS): number =>
  Math.min(max, MAX_DELAY_SECONDS, base * 4 ** Math.max(0, receiveCount - 1));

/** Error text for the run history: the message only, bounded, never a stack or a payload. */
export const errorSummary = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : 'Unknown error').slice(0, 500);
