/**
 * The one way every component (sync worker, reconcile, bulk, health check, connect, console
 * actions) gets an Admin API token for a stored integration.
 *
 * Rules, in the order they protect the store's access:
 *  1. An expiring token is refreshed ahead of its expiry (a quarter of its life, at most five
 *     minutes ahead), and once more when Shopify answers 401 to it.
 *  2. Single flight across Lambdas: a refresh first takes a short lease on the integration's
 *     credential (a conditional write on its version); everyone else waits for the new version.
 *     A refresh token is therefore never spent twice by two invocations.
 *  3. The new pair is persisted (KMS-encrypted, bound to the integration) BEFORE it is used.
 *     Shopify retains the previous refresh token until its replacement is used, so a response
 *     lost on the way (or an invocation that died before saving) is recovered by asking again
 *     with the stored one.
 *  4. A refresh token Shopify refuses, or one past its expiry, is dead: the integration becomes
 *     NEEDS_ATTENTION with reason REAUTHORIZE (event `Integration Needs Attention`); the remedy
 *     is a re-install (`POST …/installations`).
 *  5. In a public deployment a static (non-expiring) token is exchanged for an expiring pair
 *     the first time it is needed (Shopify answers a retry of the same exchange alike for 7
 *     days). If Shopify refuses the exchange, the static token is used while it still works.
 * Tokens never reach a log line or an error message.
 */
import { randomBytes } from 'node:crypto';
import { announce, type BackendEvents } from '../events/backend-events.js';
import type { Integration } from '../integrations/integration.js';
import type { TokenCipher } from '../integrations/ports.js';
import type { Logger } from '../logger.js';
import { IntegrationNotActiveError } from '../sync/errors.js';
import {
  type AccessTokenSource,
  ClientCredentialsRefusedError,
  type CredentialUpdate,
  GrantRefusedError,
  GrantUnavailableError,
  ReauthorizeRequiredError,
  type ShopifyTokenEndpoint,
  type StoredCredential,
  type TokenGrant,
} from './credentials.js';

export type AppDistribution = 'public' | 'custom';

/** The integration item's credential fields, read and written under their version. */
export interface CredentialStore {
  /** Strongly consistent: a waiter must see the version a refresh just wrote. */
  read(integrationId: string): Promise<StoredCredential | undefined>;
  /** Takes the refresh lease if the version is still `version` and no live lease is held. */
  tryLease(
    integrationId: string,
    version: number,
    holder: string,
    now: number,
    until: number,
  ): Promise<boolean>;
  /** Writes the new credential over `version` while `holder` holds the lease; false if not. */
  save(
    integrationId: string,
    version: number,
    holder: string,
    update: CredentialUpdate & { readonly grantedScopes?: readonly string[] },
  ): Promise<boolean>;
  releaseLease(integrationId: string, holder: string): Promise<void>;
}

export interface AttentionFlag {
  /** NEEDS_ATTENTION with the reason; false if it was not ACTIVE (nothing changed). */
  markNeedsAttention(integrationId: string, reason: string, now: string): Promise<boolean>;
}

export interface TokenProviderDeps {
  readonly store: CredentialStore;
  readonly cipher: TokenCipher;
  readonly endpoint: ShopifyTokenEndpoint;
  readonly attention: AttentionFlag;
  readonly events?: BackendEvents;
  readonly logger: Logger;
  readonly distribution: AppDistribution;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a refresh may hold the lease: longer than one token request with its retries. */
  readonly leaseMs?: number;
  /** How long a caller waits for another invocation's refresh before giving up (transient). */
  readonly waitMs?: number;
  /** Attempts of one grant when the endpoint does not answer (a lost response is one of them). */
  readonly grantAttempts?: number;
}

export interface TokenProvider {
  /** The token source of one integration (what ShopifyConnector takes). */
  source(
    integration: Pick<Integration, 'integrationId' | 'organizationId' | 'shopDomain'>,
  ): AccessTokenSource;
  /**
   * Public deployments: exchanges a stored static token now (the scheduled migration). Answers
   * what happened; idempotent.
   */
  migrate(
    integration: Pick<Integration, 'integrationId' | 'organizationId' | 'shopDomain'>,
  ): Promise<'migrated' | 'not-static' | 'refused'>;
}

const FIVE_MINUTES = 300_000;

/** How early an access token is replaced: a quarter of its life, at most five minutes. */
export const refreshAheadMs = (issuedAt: number | undefined, expiresAt: number): number =>
  issuedAt === undefined ? FIVE_MINUTES : Math.min(FIVE_MINUTES, Math.max(0, (expiresAt - issuedAt) / 4));

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const newHolder = () => randomBytes(12).toString('base64url');
const scopesOf = (grant: TokenGrant) =>
  grant.scope === undefined
    ? {}
    : {
        grantedScopes: grant.scope
          .split(',')
          .map((scope) => scope.trim())
          .filter(Boolean),
      };

interface Plain {
  readonly version: number;
  readonly kind: StoredCredential['kind'];
  readonly token: string;
  /** Epoch ms; undefined for a static token. */
  readonly expiresAt: number | undefined;
  readonly renewAt: number | undefined;
}

export const createTokenProvider = (deps: TokenProviderDeps): TokenProvider => {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const leaseMs = deps.leaseMs ?? 30_000;
  const waitMs = deps.waitMs ?? leaseMs + 15_000;
  const attempts = deps.grantAttempts ?? 3;
  // Per container: the decrypted token of each integration, so a call needs no read or decrypt.
  const cache = new Map<string, Plain>();
  // Per container: one refresh per integration at a time; the others await it.
  const inFlight = new Map<string, Promise<string>>();
  // Per container: static tokens (by integration and version) whose exchange Shopify refused.
  const exchangeRefused = new Set<string>();

  const decrypt = (integrationId: string, ciphertext: string) =>
    deps.cipher.decrypt(ciphertext, { integrationId });

  const plainOf = async (integrationId: string, credential: StoredCredential): Promise<Plain> => {
    const cached = cache.get(integrationId);
    if (cached && cached.version === credential.version) return cached;
    const expiresAt = credential.accessTokenExpiresAt
      ? Date.parse(credential.accessTokenExpiresAt)
      : undefined;
    const issuedAt = credential.accessTokenIssuedAt ? Date.parse(credential.accessTokenIssuedAt) : undefined;
    const plain: Plain = {
      version: credential.version,
      kind: credential.kind,
      token: await decrypt(integrationId, credential.encryptedAccessToken!),
      expiresAt,
      renewAt: expiresAt === undefined ? undefined : expiresAt - refreshAheadMs(issuedAt, expiresAt),
    };
    cache.set(integrationId, plain);
    return plain;
  };

  /** Asks the endpoint, again when it did not answer: Shopify retained what we sent. */
  const grantWithRetries = async (
    shopDomain: string,
    request: Parameters<ShopifyTokenEndpoint['grant']>[1],
  ) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await deps.endpoint.grant(shopDomain, request);
      } catch (error) {
        if (!(error instanceof GrantUnavailableError) || attempt >= attempts) throw error;
        await sleep(Math.min(2_000, 250 * 2 ** (attempt - 1)));
      }
    }
  };

  const iso = (ms: number) => new Date(ms).toISOString();

  const updateOf = async (
    integrationId: string,
    credential: StoredCredential,
    grant: TokenGrant,
    at: number,
  ): Promise<CredentialUpdate & { grantedScopes?: string[] }> => {
    const context = { integrationId };
    return {
      kind: credential.kind === 'client-credentials' ? 'client-credentials' : 'expiring',
      encryptedAccessToken: await deps.cipher.encrypt(grant.accessToken, context),
      ...(grant.expiresIn !== undefined && {
        accessTokenExpiresAt: iso(at + grant.expiresIn * 1000),
        accessTokenIssuedAt: iso(at),
      }),
      ...(grant.refreshToken !== undefined && {
        encryptedRefreshToken: await deps.cipher.encrypt(grant.refreshToken, context),
      }),
      ...(grant.refreshTokenExpiresIn !== undefined && {
        refreshTokenExpiresAt: iso(at + grant.refreshTokenExpiresIn * 1000),
      }),
      ...(credential.clientId !== undefined && { clientId: credential.clientId }),
      ...(credential.encryptedClientSecret !== undefined && {
        encryptedClientSecret: credential.encryptedClientSecret,
      }),
      ...scopesOf(grant),
    };
  };

  const flagReauthorize = async (
    integration: Pick<Integration, 'integrationId' | 'organizationId' | 'shopDomain'>,
    error: ReauthorizeRequiredError | ClientCredentialsRefusedError,
  ) => {
    const at = iso(now());
    const flagged = await deps.attention.markNeedsAttention(integration.integrationId, error.reason, at);
    deps.logger.warn('Store credentials can no longer be renewed', {
      integrationId: integration.integrationId,
      reason: error.reason,
    });
    if (flagged) {
      await announce(deps.events, deps.logger, {
        type: 'Integration Needs Attention',
        detail: {
          integrationId: integration.integrationId,
          organizationId: integration.organizationId,
          shopDomain: integration.shopDomain,
          reason: error.reason,
          at,
        },
      });
    }
  };

  /** The grant that renews this credential, or undefined for a static token that stays. */
  const renewalOf = async (integrationId: string, credential: StoredCredential, migrate: boolean) => {
    switch (credential.kind) {
      case 'expiring':
        if (!credential.encryptedRefreshToken) return undefined;
        return {
          grant: 'refresh_token' as const,
          refreshToken: await decrypt(integrationId, credential.encryptedRefreshToken),
        };
      case 'client-credentials':
        if (!credential.clientId || !credential.encryptedClientSecret) return undefined;
        return {
          grant: 'client_credentials' as const,
          clientId: credential.clientId,
          clientSecret: await decrypt(integrationId, credential.encryptedClientSecret),
        };
      case 'static':
        if (!migrate) return undefined;
        return {
          grant: 'token_exchange' as const,
          subjectToken: await decrypt(integrationId, credential.encryptedAccessToken!),
        };
    }
  };

  /**
   * Renews the credential under the lease (rule 2), persists it (rule 3), answers the new token.
   * Undefined when the lease or the version moved: the caller reads again.
   */
  const renewUnderLease = async (
    integration: Pick<Integration, 'integrationId' | 'organizationId' | 'shopDomain'>,
    credential: StoredCredential,
    migrate: boolean,
  ): Promise<{ readonly token: string } | 'static' | undefined> => {
    const { integrationId } = integration;
    const holder = newHolder();
    const takenAt = now();
    if (!(await deps.store.tryLease(integrationId, credential.version, holder, takenAt, takenAt + leaseMs)))
      return undefined;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await deps.store.releaseLease(integrationId, holder);
    };
    try {
      const request = await renewalOf(integrationId, credential, migrate);
      if (!request) {
        await release();
        return 'static';
      }
      if (
        request.grant === 'refresh_token' &&
        credential.refreshTokenExpiresAt !== undefined &&
        Date.parse(credential.refreshTokenExpiresAt) <= now()
      ) {
        throw new ReauthorizeRequiredError('the refresh token has expired');
      }
      const at = now();
      let grant: TokenGrant;
      try {
        grant = await grantWithRetries(integration.shopDomain, request);
      } catch (error) {
        if (!(error instanceof GrantRefusedError)) throw error;
        if (request.grant === 'client_credentials') throw new ClientCredentialsRefusedError(error.status);
        if (request.grant === 'token_exchange') {
          // The static token may still work (e.g. a custom app's in a public deployment): keep it,
          // and let a 401 on it decide. The census counts it; its alarm stays up.
          deps.logger.warn('Token exchange refused; the static token stays', {
            integrationId,
            status: error.status,
            code: error.code,
          });
          exchangeRefused.add(`${integrationId}\u0000${credential.version}`);
          await release();
          return 'static';
        }
        throw new ReauthorizeRequiredError(error.code || `HTTP ${error.status}`);
      }
      const update = await updateOf(integrationId, credential, grant, at);
      const saved = await deps.store.save(integrationId, credential.version, holder, {
        ...update,
        ...(request.grant === 'token_exchange' && {
          tokenExchangeStartedAt: credential.tokenExchangeStartedAt ?? iso(at),
        }),
      });
      released = true; // the save removed the lease, or someone else's write replaced it
      if (!saved) return undefined;
      deps.logger.info(
        request.grant === 'token_exchange' ? 'Static token migrated' : 'Access token renewed',
        {
          integrationId,
          grant: request.grant,
          version: credential.version + 1,
        },
      );
      cache.delete(integrationId);
      return { token: grant.accessToken };
    } catch (error) {
      await release().catch(() => undefined);
      if (error instanceof ReauthorizeRequiredError || error instanceof ClientCredentialsRefusedError) {
        await flagReauthorize(integration, error);
      }
      throw error;
    }
  };

  /**
   * A token fit for use. `rejected`: Shopify just answered 401 to it. `migrate`: a static token
   * in a public deployment is exchanged first.
   */
  const obtain = async (
    integration: Pick<Integration, 'integrationId' | 'organizationId' | 'shopDomain'>,
    options: { readonly rejected?: string; readonly migrate: boolean },
  ): Promise<string | undefined> => {
    const { integrationId } = integration;
    const giveUpAt = now() + waitMs;
    for (let round = 0; ; round += 1) {
      const credential = await deps.store.read(integrationId);
      if (!credential?.encryptedAccessToken)
        throw new IntegrationNotActiveError('without credentials', 'credentials erased');
      const plain = await plainOf(integrationId, credential);
      if (options.rejected !== undefined && plain.token !== options.rejected) return plain.token;
      const migrate = options.migrate && !exchangeRefused.has(`${integrationId}\u0000${credential.version}`);
      const due =
        options.rejected !== undefined ||
        (credential.kind === 'static' ? migrate : plain.renewAt !== undefined && now() >= plain.renewAt);
      if (!due) return plain.token;
      const leased = credential.lease !== undefined && credential.lease.until > now();
      if (!leased) {
        const renewed = await renewUnderLease(integration, credential, migrate);
        if (renewed === 'static') return options.rejected === undefined ? plain.token : undefined;
        if (renewed !== undefined) return renewed.token;
      }
      if (now() >= giveUpAt)
        throw new GrantUnavailableError('Another invocation is renewing this store’s token; try again later');
      // Someone else is renewing: their new version is what we want.
      await sleep(Math.min(1_000, 100 * 2 ** Math.min(round, 4)));
    }
  };

  const once = (integrationId: string, key: string, run: () => Promise<string | undefined>) => {
    const flightKey = `${integrationId}\u0000${key}`;
    const existing = inFlight.get(flightKey);
    if (existing) return existing;
    const started = run().finally(() => inFlight.delete(flightKey)) as Promise<string>;
    inFlight.set(flightKey, started);
    return started;
  };

  const migrateStatic = deps.distribution === 'public';

  return {
    source(integration) {
      const { integrationId } = integration;
      return {
        async token() {
          const cached = cache.get(integrationId);
          // Fast path: a token known to be good for a while yet needs no read.
          if (cached) {
            const settled =
              cached.kind === 'static'
                ? !migrateStatic || exchangeRefused.has(`${integrationId}\u0000${cached.version}`)
                : cached.renewAt !== undefined && now() < cached.renewAt;
            if (settled) return cached.token;
          }
          const token = await once(integrationId, 'token', () =>
            obtain(integration, { migrate: migrateStatic }),
          );
          return token;
        },
        async renew(rejected) {
          const cached = cache.get(integrationId);
          if (cached && cached.token === rejected) cache.delete(integrationId);
          return once(integrationId, `renew\u0000${rejected}`, () =>
            obtain(integration, { rejected, migrate: migrateStatic }),
          );
        },
      };
    },
    async migrate(integration) {
      const before = await deps.store.read(integration.integrationId);
      if (!before?.encryptedAccessToken || before.kind !== 'static') return 'not-static';
      if (!migrateStatic) return 'refused';
      await obtain(integration, { migrate: true });
      const after = await deps.store.read(integration.integrationId);
      return after?.kind === 'static' ? 'refused' : 'migrated';
    },
  };
};
