/**
 * What Shopify granted this app on a store, compared with what each mirrored resource needs.
 *
 * Checked at connect, at the start of every sync run (GraphQL `currentAppInstallation {
 * accessScopes }`, one cheap call) and whenever a token response names its `scope` (a refresh).
 * A resource that lacks a scope is not queried at all: its run progress says `needs-attention`
 * with `MISSING_SCOPE` and the scopes to grant, the integration records the same
 * (`resourceAttention`, `missingScopes`), and the other resources keep syncing. The integration
 * stays ACTIVE: ACTIVE is what keeps a store in the due index and its webhooks accepted, and
 * the resources it can read must keep syncing while the merchant is asked to grant the rest.
 */
import { announce, type BackendEvents } from '../events/backend-events.js';
import type { Logger } from '../logger.js';
import { missingScopesByResource, type ScopeOptions } from './access-scopes.js';
import type { ResourceName } from '../../resources/registry.js';
import type { Integration } from './integration.js';

/** `resourceAttention` (integration) and `attentionReason` (run) of a resource whose scope is not granted. */
export const MISSING_SCOPE = 'MISSING_SCOPE';

/** Per resource, the scopes it needs that were not granted; resources lacking nothing are absent. */
export type MissingScopes = Readonly<Record<string, readonly string[]>>;

export interface ScopeCheck {
  /** Every scope granted, as Shopify names them, sorted and once each. */
  readonly grantedScopes: readonly string[];
  readonly missingScopes: MissingScopes;
}

/** The integration's fields a scope check writes, all three at once. */
export interface GrantedScopesUpdate extends ScopeCheck {
  readonly resourceAttention: Readonly<Record<string, string>>;
}

/** Where a scope check is recorded (the integration's item: adapters/dynamodb/granted-scopes-store.ts). */
export interface GrantedScopesStore {
  /** Sets `grantedScopes`, `missingScopes` and `resourceAttention`; nothing when the integration is gone. */
  recordGrantedScopes(integrationId: string, update: GrantedScopesUpdate): Promise<void>;
}

/** What a deployment checks scopes against: its mirrored resources, and whether it reads full order history. */
export interface ScopeRequirements {
  readonly resources: readonly ResourceName[];
  readonly options: ScopeOptions;
}

export interface RecordGrantedScopesDeps extends ScopeRequirements {
  readonly store: GrantedScopesStore;
  readonly logger: Logger;
  /** `Integration Needs Attention` (reason MISSING_SCOPE) when a scope goes missing. */
  readonly events?: BackendEvents;
  readonly now?: () => number;
}

/**
 * Shopify answers the grant comma-separated (a token response's `scope`) or as a list
 * (`accessScopes`); `write_x` implies `read_x` (access-scopes.ts).
 */
export const checkScopes = (
  granted: string | readonly string[],
  requirements: ScopeRequirements,
): ScopeCheck => {
  const handles = typeof granted === 'string' ? granted.split(',') : granted;
  const grantedScopes = [...new Set(handles.map((handle) => handle.trim()).filter(Boolean))].sort();
  const missing = missingScopesByResource(requirements.resources, grantedScopes, requirements.options);
  return { grantedScopes, missingScopes: missing as MissingScopes };
};

/**
 * The integration's `resourceAttention` after a check: MISSING_SCOPE for every resource that lacks
 * a scope; a MISSING_SCOPE whose scopes are now granted is dropped (that resource has no watermark,
 * so its next sync is a full one); any other reason (ACCESS_DENIED, which Shopify answered in spite
 * of the scope) stays until a sync finds otherwise.
 */
export const attentionAfterCheck = (
  current: Readonly<Record<string, string>> | undefined,
  missingScopes: MissingScopes,
): Record<string, string> => {
  const attention: Record<string, string> = {};
  for (const [resource, reason] of Object.entries(current ?? {}))
    if (reason !== MISSING_SCOPE) attention[resource] = reason;
  for (const resource of Object.keys(missingScopes)) attention[resource] = MISSING_SCOPE;
  return attention;
};

/** A copy of `missingScopes` in plain arrays, for event details and records. */
export const scopeLists = (missingScopes: MissingScopes): Record<string, string[]> =>
  Object.fromEntries(Object.entries(missingScopes).map(([resource, scopes]) => [resource, [...scopes]]));

/** Scopes missing now that the integration did not already record as missing, per resource. */
export const newlyMissingScopes = (
  before: MissingScopes | undefined,
  after: MissingScopes,
): Record<string, readonly string[]> => {
  const added: Record<string, readonly string[]> = {};
  for (const [resource, scopes] of Object.entries(after)) {
    const known = new Set(before?.[resource] ?? []);
    const fresh = scopes.filter((scope) => !known.has(scope));
    if (fresh.length > 0) added[resource] = fresh;
  }
  return added;
};

/** Resources that lacked scopes before and lack none now: the grant came. */
export const newlyGrantedResources = (before: MissingScopes | undefined, after: MissingScopes): string[] =>
  Object.keys(before ?? {}).filter((resource) => !(resource in after));

const sameList = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  a !== undefined && a.length === b.length && a.every((value, index) => value === b[index]);

const sameMissing = (a: MissingScopes | undefined, b: MissingScopes): boolean => {
  const keys = Object.keys(b);
  return Object.keys(a ?? {}).length === keys.length && keys.every((key) => sameList(a?.[key], b[key]!));
};

const sameAttention = (
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>>,
) => {
  const keys = Object.keys(b);
  return Object.keys(a ?? {}).length === keys.length && keys.every((key) => a?.[key] === b[key]);
};

/**
 * Records what Shopify granted on `integration`'s store and what its mirrored resources lack, and
 * announces `Integration Needs Attention` (reason MISSING_SCOPE, with every resource's missing
 * scopes) when a scope goes missing that was not missing before: once per change, not every run.
 * Writes nothing when nothing changed. `integration` is the state the caller last read: the
 * comparison is against it.
 *
 * Called by connect, by every sync run, and by the token refresh with the `scope` of Shopify's
 * token response.
 */
export const recordGrantedScopes = async (
  integration: Pick<
    Integration,
    | 'integrationId'
    | 'organizationId'
    | 'shopDomain'
    | 'grantedScopes'
    | 'missingScopes'
    | 'resourceAttention'
  >,
  granted: string | readonly string[],
  deps: RecordGrantedScopesDeps,
  context: { readonly runId?: string } = {},
): Promise<GrantedScopesUpdate> => {
  const check = checkScopes(granted, deps);
  const resourceAttention = attentionAfterCheck(integration.resourceAttention, check.missingScopes);
  const unchanged =
    sameList(integration.grantedScopes, check.grantedScopes) &&
    sameMissing(integration.missingScopes, check.missingScopes) &&
    sameAttention(integration.resourceAttention, resourceAttention);
  const update: GrantedScopesUpdate = { ...check, resourceAttention };
  if (unchanged) return update;

  const { integrationId, organizationId, shopDomain } = integration;
  await deps.store.recordGrantedScopes(integrationId, update);
  const added = newlyMissingScopes(integration.missingScopes, check.missingScopes);
  if (Object.keys(added).length === 0) {
    deps.logger.info('Granted scopes recorded', { integrationId, missingScopes: check.missingScopes });
    return update;
  }
  // Scope handles only: no personal data, no token.
  deps.logger.warn('Resources lack access scopes; they are not synced until the merchant grants them', {
    integrationId,
    missingScopes: check.missingScopes,
  });
  await announce(deps.events, deps.logger, {
    type: 'Integration Needs Attention',
    detail: {
      integrationId,
      organizationId,
      shopDomain,
      reason: MISSING_SCOPE,
      missingScopes: scopeLists(check.missingScopes),
      at: new Date((deps.now ?? Date.now)()).toISOString(),
      ...(context.runId !== undefined && { runId: context.runId }),
    },
  });
  return update;
};
