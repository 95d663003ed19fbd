/**
 * Connecting a store: prove the token works, claim the shop for the organization, store the
 * credentials encrypted, subscribe to webhooks, start the first sync. Nothing is written until
 * Shopify has accepted the token, so a bad token leaves no trace.
 */
import { randomUUID } from 'node:crypto';
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
import { fetchShopIdentity, type ShopIdentity } from './shop-admin.js';
import {
  ensureWebhookSubscriptions,
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
}

export interface ConnectResult {
  readonly created: boolean;
  readonly integration: ReturnType<typeof publicIntegrationView>;
  readonly runId: string;
}

const verifyToken = async (deps: ConnectDeps, request: ConnectRequest): Promise<ShopIdentity> => {
  let identity: ShopIdentity;
  try {
    identity = await fetchShopIdentity(deps.shopify(request.shopDomain, request.accessToken));
  } catch (error) {
    // 401/403/402/404/423: the token or the shop is unusable, which the caller must fix.
    if (isAttentionError(error))
      throw new UnprocessableError(`Shopify did not accept the credentials: ${error.message}`);
    throw error;
  }
  if (identity.myshopifyDomain.toLowerCase() !== request.shopDomain) {
    throw new UnprocessableError('The access token belongs to a different shop than shopDomain');
  }
  return identity;
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
  const now = (deps.now?.() ?? new Date()).toISOString();
  const identity = await verifyToken(deps, request);

  const proposedId = deps.newIntegrationId?.() ?? `int_${randomUUID()}`;
  const integrationId = await deps.records.claimShop(request.shopDomain, request.organizationId, proposedId);
  const existing = await deps.integrations.get(integrationId);
  const context = { integrationId };

  const {
    statusReason: _reason,
    uninstalledAt: _uninstalled,
    redactedAt: _redacted,
    encryptedWebhookSecret: _oldSecret,
    ...kept
  } = existing ?? ({} as Partial<Integration>);
  const integration: Integration = {
    ...kept,
    integrationId,
    organizationId: request.organizationId,
    shopDomain: request.shopDomain,
    shopifyShopId: identity.id,
    status: 'ACTIVE',
    encryptedAccessToken: await deps.cipher.encrypt(request.accessToken, context),
    ...(request.webhookSecret !== undefined && {
      encryptedWebhookSecret: await deps.cipher.encrypt(request.webhookSecret, context),
    }),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  // Before the integration exists: its deliveries must never meet a webhook path that still
  // believes every body is signed with the app secret.
  if (request.webhookSecret !== undefined) await deps.records.recordOwnWebhookSecretInUse();
  await deps.integrations.put(integration);
  const restoredRedactions = await restoreRedactions(integration, deps, now);

  const webhookHealth = await ensureWebhookSubscriptions(
    deps.shopify(request.shopDomain, request.accessToken),
    subscriptionTarget(deps, request.webhookSecret !== undefined),
    now,
    deps.webhookTopics,
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
    integration: publicIntegrationView({ ...integration, webhookHealth, lastSyncRunId: runId }),
    runId,
  };
};
