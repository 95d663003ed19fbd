import type { CredentialKind } from '../credentials/credentials.js';

/**
 * A connected store. Credentials are stored only as ciphertext (see TokenCipher in ports.ts);
 * nothing in this type is ever returned by the API without going through `publicView`.
 */
export type IntegrationStatus = 'ACTIVE' | 'INACTIVE' | 'NEEDS_ATTENTION';

export interface WebhookHealth {
  readonly checkedAt: string;
  readonly healthy: boolean;
  readonly repaired: readonly string[];
  readonly error?: string;
}

/** Shopify's customer count and the mirror's active count, as a reconcile left them. */
export interface CountMismatch {
  readonly shopifyCount: number;
  readonly storedActive: number;
  /** First reconcile that ended with a mismatch, while it lasts. */
  readonly since: string;
}

export interface Integration {
  readonly integrationId: string;
  readonly organizationId: string;
  /** Lower-case `name.myshopify.com`. */
  readonly shopDomain: string;
  readonly status: IntegrationStatus;
  /** Ciphertext of the Admin API access token; absent once erased (shop/redact, purge). */
  readonly encryptedAccessToken?: string;
  /** Ciphertext of a per-integration webhook secret (custom apps); overrides the app secret. */
  readonly encryptedWebhookSecret?: string;
  /**
   * Which kind of credential the store was connected with (core/credentials/credentials.ts);
   * absent on items from before kinds existed, which hold a static token.
   */
  readonly credentialKind?: CredentialKind;
  /** When the access token expires (expiring and client-credentials tokens). */
  readonly credentialExpiresAt?: string;
  readonly credentialIssuedAt?: string;
  /** Ciphertext of the refresh token (expiring credentials). */
  readonly encryptedRefreshToken?: string;
  readonly refreshTokenExpiresAt?: string;
  /** The Dev Dashboard app's client id and the ciphertext of its secret (client-credentials). */
  readonly credentialClientId?: string;
  readonly encryptedClientSecret?: string;
  /** First attempt to exchange the static token for an expiring pair (Shopify's 7-day window). */
  readonly tokenExchangeStartedAt?: string;
  /** Bumped by every change of the credential (token-provider.ts rule 2). */
  readonly credentialVersion?: number;
  readonly credentialLeaseHolder?: string;
  readonly credentialLeaseUntil?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Why the integration is not ACTIVE (e.g. Shopify answered 401, app uninstalled). */
  readonly statusReason?: string;
  readonly uninstalledAt?: string;
  /**
   * An app/uninstalled was received (its time of receipt) but not yet confirmed. The body is
   * signed but replayable, so the store stays ACTIVE until Shopify itself refuses the stored token
   * (the next sync, made due at once); a sync that succeeds after the claim refutes it.
   */
  readonly uninstallClaimedAt?: string;
  /** Start time of the last sync that completed: the next incremental sync reads from here. */
  readonly lastSuccessfulSyncAt?: string;
  readonly lastSyncRunId?: string;
  /**
   * Per resource: the start of the last sync that completed it (its incremental sync reads from
   * here), and the resources Shopify refused (e.g. orders without `read_orders`).
   */
  readonly syncWatermarks?: Readonly<Record<string, string>>;
  readonly resourceAttention?: Readonly<Record<string, string>>;
  /**
   * The access scopes Shopify last reported granted on this store (granted-scopes.ts), and per
   * mirrored resource the scopes it needs that are not among them (its resourceAttention says
   * MISSING_SCOPE meanwhile). Absent until the first check.
   */
  readonly grantedScopes?: readonly string[];
  readonly missingScopes?: Readonly<Record<string, readonly string[]>>;
  readonly webhookHealth?: WebhookHealth;
  /** `gid://shopify/Shop/…`, recorded when the token was verified (compliance payloads name it). */
  readonly shopifyShopId?: string;
  /** shop/redact or a purge erased the store's data and credentials; the item stays as a record. */
  readonly redactedAt?: string;
  /**
   * Per resource: when its last reconcile (id-set comparison with Shopify) completed. Each
   * resource is reconciled at least daily on its own clock.
   */
  readonly resourceReconciledAt?: Readonly<Record<string, string>>;
  /**
   * The last completed reconcile of any resource. Before `resourceReconciledAt` it was the only
   * record, so an integration without per-resource entries falls back to it (reconciledAtOf).
   */
  readonly lastReconciledAt?: string;
  /**
   * Per resource, set while its counts differ even after a reconcile: reported, and retried only
   * when the counts change or a day has passed.
   */
  readonly countMismatch?: Readonly<Record<string, CountMismatch>>;
  /**
   * Last verified webhook delivery from this store, recorded at most every few minutes (a write
   * per delivery would double the webhook path's cost).
   */
  readonly lastWebhookAt?: string;
  /** Records syncs wrote because they were newer than the mirror: changes no webhook delivered. */
  readonly healedBySync?: number;
  readonly lastHealedAt?: string;
}

export interface ResourceSyncState {
  readonly syncWatermarks: Readonly<Record<string, string>>;
  readonly resourceAttention: Readonly<Record<string, string>>;
}

/**
 * Where a resource's incremental sync starts. A resource without a watermark (never completed,
 * added to the deployment later, or refused until now) is synced in full: starting it from the
 * integration's watermark would skip everything older.
 */
export const watermarkOf = (integration: Integration, resource: string): string | undefined =>
  integration.syncWatermarks?.[resource];

/**
 * When a resource was last reconciled. An item written before the per-resource map has only the
 * integration-wide time: it stands in until the resource records its own, so an upgrade does not
 * start a reconcile of every resource of every store in the same hour (each resource gets its own
 * entry within a day of that time).
 */
export const reconciledAtOf = (integration: Integration, resource: string): string | undefined =>
  // Only a record from before per-resource entries falls back: once another resource has one, a
  // resource without its own (one added to the deployment since) was never reconciled, and the
  // others' reconciles that same hour must not make it look done.
  integration.resourceReconciledAt
    ? integration.resourceReconciledAt[resource]
    : integration.lastReconciledAt;

/** Marker value of the sparse `activeBySyncDue` index: only ACTIVE integrations carry it. */
export const ACTIVE_PARTITION = 'ACTIVE';
/** Sort value for integrations never synced, so they are always due. */
export const NEVER_SYNCED = '0000-00-00T00:00:00.000Z';

/** The kind of credential an integration holds (items from before kinds existed: static). */
export const credentialKindOf = (integration: Integration): CredentialKind =>
  integration.credentialKind ?? 'static';

export const publicIntegrationView = (integration: Integration) => {
  const {
    encryptedAccessToken: _token,
    encryptedWebhookSecret: _secret,
    encryptedRefreshToken: _refresh,
    encryptedClientSecret: _clientSecret,
    credentialClientId: _clientId,
    credentialIssuedAt: _issued,
    credentialVersion: _version,
    credentialLeaseHolder: _holder,
    credentialLeaseUntil: _until,
    tokenExchangeStartedAt: _exchange,
    ...visible
  } = integration;
  return {
    ...visible,
    credentialKind: credentialKindOf(integration),
    hasCustomWebhookSecret: integration.encryptedWebhookSecret !== undefined,
    // The remedy of a dead refresh token: the merchant installs again.
    ...(integration.statusReason === 'REAUTHORIZE' && {
      reinstall: {
        method: 'POST' as const,
        path: `/organizations/${integration.organizationId}/installations`,
        body: { shopDomain: integration.shopDomain },
      },
    }),
  };
};
