/**
 * Connecting a store: prove the token works, claim the shop for the organization, store the
 * credentials encrypted, subscribe to webhooks, start the first sync. Nothing is written until
 * Shopify has accepted the token, so a bad token leaves no trace.
 */
import { randomUUID } from 'node:crypto';
import {
  type CredentialKind,
  GrantRefusedError,
  type ShopifyTokenEndpoint,
  type TokenGrant,
} from '../credentials/credentials.js';
import type { AppDistribution } from '../credentials/token-provider.js';
import { UnprocessableError } from '../errors.js';
import { announce, type BackendEvents } from '../events/backend-events.js';
import { isAttentionError, SyncInProgressError } from '../sync/errors.js';
import type { Logger } from '../logger.js';
import { parseWith } from '../validation.js';
import { type ConnectRequest, connectRequestSchema } from './connect-request.js';
import { type Integration, publicIntegrationView } from './integration.js';
import type {
  IntegrationLifecycleRecords,
  IntegrationRepository,
  Mirror,
  RedactionLedger,
  ShopifyConnector,
  SyncStarter,
  TokenCipher,
} from './ports.js';
import { WEBHOOK_SECRET_PURPOSE } from './ports.js';
import { fetchGrantedScopes, fetchShopIdentity, type ShopIdentity } from './shop-admin.js';
import {
  type GrantedScopesStore,
  type GrantedScopesUpdate,
  recordGrantedScopes,
  type ScopeRequirements,
} from './granted-scopes.js';
import {
  ensureWebhookSubscriptions,
  grantedTopics,
  subscriptionTarget,
  type WebhookAddresses,
  type WebhookTopics,
} from './webhook-subscriptions.js';

export interface ConnectDeps extends WebhookAddresses {
  readonly integrations: IntegrationRepository;
  readonly records: IntegrationLifecycleRecords;
  readonly cipher: TokenCipher;
  readonly shopify: ShopifyConnector;
  readonly sync: SyncStarter;
  /** Redacted customers of the shop, kept across purges, and the tombstones that keep them out. */
  readonly ledger: RedactionLedger;
  readonly mirrors: readonly Mirror[];
  readonly webhookTopics: WebhookTopics;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly newIntegrationId?: () => string;
  /** `Integration Recovered` when a reconnect brings back a store that needed attention. */
  readonly events?: BackendEvents;
  /** The grant is checked against what the mirrored resources need (granted-scopes.ts). */
  readonly scopes?: ScopeRequirements & { readonly store: GrantedScopesStore };
  /** Shopify's token endpoint with the deployment's app credentials (token exchange, client credentials). */
  readonly tokenEndpoint?: ShopifyTokenEndpoint;
  /** `public`: static tokens are exchanged for expiring ones at connect (default `custom`). */
  readonly distribution?: AppDistribution;
}

/** A credential that works, before it is stored. */
export interface ResolvedCredential {
  readonly kind: CredentialKind;
  readonly grant: TokenGrant;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly tokenExchangeStartedAt?: string;
}

export interface ConnectResult {
  readonly created: boolean;
  readonly integration: ReturnType<typeof publicIntegrationView>;
  readonly runId: string;
}

const verifyToken = async (
  deps: ConnectDeps,
  shopDomain: string,
  accessToken: string,
): Promise<ShopIdentity> => {
  let identity: ShopIdentity;
  try {
    identity = await fetchShopIdentity(deps.shopify(shopDomain, accessToken));
  } catch (error) {
    // 401/403/402/404/423: the token or the shop is unusable, which the caller must fix.
    if (isAttentionError(error))
      throw new UnprocessableError(`Shopify did not accept the credentials: ${error.message}`);
    throw error;
  }
  if (identity.myshopifyDomain.toLowerCase() !== shopDomain) {
    throw new UnprocessableError('The access token belongs to a different shop than shopDomain');
  }
  return identity;
};

const endpointOf = (deps: ConnectDeps): ShopifyTokenEndpoint => {
  if (!deps.tokenEndpoint)
    throw new UnprocessableError('This deployment has no Shopify app client id configured');
  return deps.tokenEndpoint;
};

/** The connect body's credential, resolved to a token that works (asked of Shopify if need be). */
const resolveCredential = async (request: ConnectRequest, deps: ConnectDeps): Promise<ResolvedCredential> => {
  if (request.clientId !== undefined && request.clientSecret !== undefined) {
    try {
      const grant = await endpointOf(deps).grant(request.shopDomain, {
        grant: 'client_credentials',
        clientId: request.clientId,
        clientSecret: request.clientSecret,
      });
      return {
        kind: 'client-credentials',
        grant,
        clientId: request.clientId,
        clientSecret: request.clientSecret,
      };
    } catch (error) {
      if (error instanceof GrantRefusedError)
        throw new UnprocessableError(`Shopify did not accept the client credentials (HTTP ${error.status})`);
      throw error;
    }
  }
  return { kind: 'static', grant: { accessToken: request.accessToken! } };
};

/**
 * A public deployment keeps no non-expiring token: the one given is exchanged at once for an
 * expiring pair (Shopify answers a retry of the same exchange alike for 7 days). A token Shopify
 * will not exchange (e.g. a custom app's) stays static, and the census counts it.
 */
const migrateAtConnect = async (
  credential: ResolvedCredential,
  shopDomain: string,
  deps: ConnectDeps,
): Promise<ResolvedCredential> => {
  if (credential.kind !== 'static' || deps.distribution !== 'public' || !deps.tokenEndpoint)
    return credential;
  try {
    const grant = await deps.tokenEndpoint.grant(shopDomain, {
      grant: 'token_exchange',
      subjectToken: credential.grant.accessToken,
    });
    return { kind: 'expiring', grant, tokenExchangeStartedAt: new Date().toISOString() };
  } catch (error) {
    if (!(error instanceof GrantRefusedError)) throw error;
    deps.logger.warn('Token exchange refused at connect; the static token is kept', {
      shopDomain,
      status: error.status,
      code: error.code,
    });
    return credential;
  }
};

/** The integration's credential attributes, encrypted and bound to it. */
const credentialFields = async (
  credential: ResolvedCredential,
  integrationId: string,
  version: number,
  deps: ConnectDeps,
  at: number,
): Promise<Partial<Integration>> => {
  const context = { integrationId };
  const { grant } = credential;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    credentialKind: credential.kind,
    credentialVersion: version,
    encryptedAccessToken: await deps.cipher.encrypt(grant.accessToken, context),
    ...(grant.expiresIn !== undefined && {
      credentialExpiresAt: iso(at + grant.expiresIn * 1000),
      credentialIssuedAt: iso(at),
    }),
    ...(grant.refreshToken !== undefined && {
      encryptedRefreshToken: await deps.cipher.encrypt(grant.refreshToken, context),
    }),
    ...(grant.refreshTokenExpiresIn !== undefined && {
      refreshTokenExpiresAt: iso(at + grant.refreshTokenExpiresIn * 1000),
    }),
    ...(credential.clientId !== undefined && { credentialClientId: credential.clientId }),
    ...(credential.clientSecret !== undefined && {
      encryptedClientSecret: await deps.cipher.encrypt(credential.clientSecret, context),
    }),
    ...(credential.tokenExchangeStartedAt !== undefined && {
      tokenExchangeStartedAt: credential.tokenExchangeStartedAt,
    }),
    ...(grant.scope !== undefined && {
      grantedScopes: grant.scope
        .split(',')
        .map((scope) => scope.trim())
        .filter(Boolean),
    }),
  };
};

/**
 * Records redacted in an earlier life of this shop (whose items a purge deleted) get their
 * tombstones back in this organization before the initial sync runs: a tombstone is never
 * written over (record-writes rule 4), so neither the sync nor a webhook can import them.
 */
const restoreRedactions = async (integration: Integration, deps: ConnectDeps, redactedAt: string) => {
  const ids = await deps.ledger.redacted(integration.shopDomain);
  for (const { resource, shopifyId } of ids) {
    const mirror = deps.mirrors.find((m) => m.name === resource);
    await mirror?.erasure.redact({
      organizationId: integration.organizationId,
      integrationId: integration.integrationId,
      shopDomain: integration.shopDomain,
      shopifyId,
      redactedAt,
    });
  }
  return ids.length;
};

export const connectIntegration = async (body: unknown, deps: ConnectDeps): Promise<ConnectResult> => {
  const request = parseWith(connectRequestSchema, body, 'integration');
  const credential = await resolveCredential(request, deps);
  return connectStore(
    {
      organizationId: request.organizationId,
      shopDomain: request.shopDomain,
      // A Dev Dashboard app signs its webhooks with its own client secret.
      webhookSecret: request.webhookSecret ?? request.clientSecret,
    },
    credential,
    deps,
  );
};

/**
 * Connects a store with a credential that is already resolved: connect's body, or the install
 * flow's authorization code grant. Nothing is written until Shopify has accepted the token.
 */
export const connectStore = async (
  request: {
    readonly organizationId: string;
    readonly shopDomain: string;
    readonly webhookSecret?: string | undefined;
  },
  resolved: ResolvedCredential,
  deps: ConnectDeps,
): Promise<ConnectResult> => {
  const nowMs = deps.now?.().getTime() ?? Date.now();
  const now = new Date(nowMs).toISOString();
  const identity = await verifyToken(deps, request.shopDomain, resolved.grant.accessToken);
  // What the token may read, asked before anything is written (one cheap call).
  const granted = deps.scopes
    ? await fetchGrantedScopes(deps.shopify(request.shopDomain, resolved.grant.accessToken))
    : undefined;

  const proposedId = deps.newIntegrationId?.() ?? `int_${randomUUID()}`;
  const integrationId = await deps.records.claimShop(request.shopDomain, request.organizationId, proposedId);
  // After the claim: a shop another organization owns must not lose its token to an exchange.
  const credential = await migrateAtConnect(resolved, request.shopDomain, deps);
  const existing = await deps.integrations.get(integrationId);
  const context = { integrationId };

  const {
    statusReason: _reason,
    uninstalledAt: _uninstalled,
    uninstallClaimedAt: _claimed,
    redactedAt: _redacted,
    encryptedWebhookSecret: _oldSecret,
    credentialKind: _kind,
    credentialExpiresAt: _expires,
    credentialIssuedAt: _issued,
    encryptedRefreshToken: _refresh,
    refreshTokenExpiresAt: _refreshExpires,
    credentialClientId: _clientId,
    encryptedClientSecret: _clientSecret,
    tokenExchangeStartedAt: _exchange,
    credentialLeaseHolder: _holder,
    credentialLeaseUntil: _until,
    grantedScopes: _granted,
    ...kept
  } = existing ?? ({} as Partial<Integration>);
  const integration: Integration = {
    ...kept,
    integrationId,
    organizationId: request.organizationId,
    shopDomain: request.shopDomain,
    shopifyShopId: identity.id,
    status: 'ACTIVE',
    // A new version: a refresh of the old credential in flight can no longer write over it.
    ...(await credentialFields(
      credential,
      integrationId,
      (existing?.credentialVersion ?? 0) + 1,
      deps,
      nowMs,
    )),
    ...(request.webhookSecret !== undefined && {
      encryptedWebhookSecret: await deps.cipher.encrypt(request.webhookSecret, {
        ...context,
        purpose: WEBHOOK_SECRET_PURPOSE,
      }),
    }),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  // Before the integration exists: its deliveries must never meet a webhook path that still
  // believes every body is signed with the app secret.
  if (request.webhookSecret !== undefined) await deps.records.recordOwnWebhookSecretInUse();
  await deps.integrations.put(integration);
  // Compared with what the integration recorded before (a reconnect): announced only if new.
  const scopes: GrantedScopesUpdate | undefined =
    deps.scopes && granted
      ? await recordGrantedScopes(integration, granted, {
          ...deps.scopes,
          logger: deps.logger,
          now: () => Date.parse(now),
          ...(deps.events && { events: deps.events }),
        })
      : undefined;
  const restoredRedactions = await restoreRedactions(integration, deps, now);

  const webhookHealth = await ensureWebhookSubscriptions(
    deps.shopify(request.shopDomain, credential.grant.accessToken),
    subscriptionTarget(deps, request.webhookSecret !== undefined),
    now,
    grantedTopics(deps.webhookTopics, scopes?.missingScopes ?? integration.missingScopes),
  );
  await deps.records.recordWebhookHealth(integrationId, webhookHealth);

  let runId: string;
  try {
    ({ runId } = await deps.sync.startInitialSync(integration));
  } catch (error) {
    // A reconnect while a sync runs: that run carries on, and one sync at a time is the rule.
    if (!(error instanceof SyncInProgressError)) throw error;
    runId = error.runId;
  }

  deps.logger.info('Integration connected', {
    integrationId,
    organizationId: request.organizationId,
    shopDomain: request.shopDomain,
    reconnect: existing !== undefined,
    restoredRedactions,
    webhooksHealthy: webhookHealth.healthy,
    webhooksRepaired: webhookHealth.repaired,
    credentialKind: credential.kind,
    runId,
  });
  if (existing && existing.status !== 'ACTIVE') {
    await announce(deps.events, deps.logger, {
      type: 'Integration Recovered',
      detail: {
        integrationId,
        organizationId: request.organizationId,
        shopDomain: request.shopDomain,
        previousStatus: existing.status,
        ...(existing.statusReason !== undefined && { previousReason: existing.statusReason }),
        at: now,
      },
    });
  }
  return {
    created: existing === undefined,
    integration: publicIntegrationView({ ...integration, ...scopes, webhookHealth, lastSyncRunId: runId }),
    runId,
  };
};
