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
