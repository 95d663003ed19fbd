/**
 * Reading and disconnecting integrations. Disconnecting keeps the mirrored data (the default,
 * so an accidental click loses nothing); `purge` also deletes every record of the store, in every
 * resource's table,
 * and erases its credentials, after which the shop may be connected by another organization.
 */
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Integration, publicIntegrationView } from './integration.js';
import type {
  IntegrationLifecycleRecords,
  IntegrationRepository,
  Mirror,
  RedactionLedger,
  RecordStatusCounts,
} from './ports.js';
import { type OpenShopDeps, openShop } from './open-shop.js';
import {
  ourUris,
  removeWebhookSubscriptions,
  safeMessage,
  type WebhookAddresses,
  type WebhookTopics,
} from './webhook-subscriptions.js';

/** An integration as the API addresses it: always within its organization. */
export interface IntegrationKey {
  readonly organizationId: string;
  readonly integrationId: string;
}

/**
 * The integration, if it belongs to the organization named in the path. Another organization's
 * integration is answered exactly like a missing one (404), so a caller confined to its tenant
 * by an IAM path prefix learns nothing about others. Bookkeeping items of the table have no
 * organization and are never found this way.
 */
export const requireIntegration = async (
  integrations: Pick<IntegrationRepository, 'get'>,
  { organizationId, integrationId }: IntegrationKey,
): Promise<Integration> => {
  const integration = await integrations.get(integrationId);
  if (!integration || integration.organizationId !== organizationId)
    throw new NotFoundError(`Integration ${integrationId}`);
  return integration;
};

export interface IntegrationDetails extends ReturnType<typeof publicIntegrationView> {
  /** Per mirrored resource: how many records are ACTIVE, INACTIVE (deleted) and REDACTED. */
  readonly recordCounts: Readonly<Record<string, RecordStatusCounts>>;
}

export const describeIntegration = async (
  key: IntegrationKey,
  deps: { integrations: IntegrationRepository; mirrors: readonly Mirror[] },
): Promise<IntegrationDetails> => {
  const integration = await requireIntegration(deps.integrations, key);
  const { integrationId } = integration;
  const counts = await Promise.all(
    deps.mirrors.map(async ({ name, inventory }): Promise<[string, RecordStatusCounts]> => [
      name,
      await inventory.countByStatus(integrationId),
    ]),
  );
  return { ...publicIntegrationView(integration), recordCounts: Object.fromEntries(counts) };
};

export const listOrganizationIntegrations = async (
  organizationId: string,
  records: IntegrationLifecycleRecords,
): Promise<ReturnType<typeof publicIntegrationView>[]> =>
  (await records.listByOrganization(organizationId)).map(publicIntegrationView);

export interface PurgeDeps {
  readonly records: IntegrationLifecycleRecords;
  readonly mirrors: readonly Mirror[];
  readonly ledger: RedactionLedger;
  readonly logger: Logger;
}

export interface PurgeResult {
  /** Records deleted by this pass, per resource. */
  readonly deleted: Readonly<Record<string, number>>;
  /** False when the deadline stopped the purge; calling again continues (it is idempotent). */
  readonly complete: boolean;
}

/**
 * Erases the credentials, deletes every record of the store (every resource), then releases the shop.
 * The shop's redaction ledger stays: a later reconnect must not re-import a redacted record.
 * Bounded by `deadline` (epoch ms): an unfinished purge is recorded as pending and the daily
 * health check resumes it; each pass re-reads the index, so it only meets what is left.
 */
export const purgeIntegrationData = async (
  integration: Integration,
  deps: PurgeDeps,
  { at, deadline = Number.POSITIVE_INFINITY }: { at: string; deadline?: number },
): Promise<PurgeResult> => {
  const integrationId = integration.integrationId;
  await deps.records.eraseCredentials(integrationId, at);
  const deleted: Record<string, number> = {};
  for (const { name, inventory, erasure } of deps.mirrors) {
    deleted[name] = 0;
    for await (const page of inventory.allKeys(integrationId)) {
      // A tombstone is about to go: its id stays in the shop's ledger (customers/redact puts it
      // there too; this also covers tombstones written before the ledger existed).
      const redacted = page.filter((r) => r.redacted).map((r) => r.shopifyId);
      await deps.ledger.recordMany(integration.shopDomain, name, redacted);
      deleted[name] += await erasure.deleteMany(page);
      if (Date.now() >= deadline) {
        await deps.records.addPendingPurge(integrationId);
        deps.logger.warn('Purge paused at its deadline; the daily health check resumes it', {
          integrationId,
          deleted,
        });
        return { deleted, complete: false };
      }
    }
  }
  await deps.records.releaseShopClaim(integration.shopDomain, integrationId);
  await deps.records.removePendingPurge(integrationId);
  deps.logger.info('Integration data purged', { integrationId, deleted });
  return { deleted, complete: true };
};

/** Finishes purges left pending by earlier invocations (called by the daily health check). */
export const resumePendingPurges = async (
  deps: PurgeDeps & { readonly integrations: IntegrationRepository },
  { deadline = Number.POSITIVE_INFINITY }: { deadline?: number } = {},
): Promise<{ readonly resumed: number; readonly completed: number }> => {
  let resumed = 0;
  let completed = 0;
  for (const integrationId of await deps.records.pendingPurges()) {
    if (Date.now() >= deadline) break;
    const integration = await deps.integrations.get(integrationId);
    if (!integration) {
      await deps.records.removePendingPurge(integrationId);
      continue;
    }
    resumed += 1;
    const at = integration.redactedAt ?? new Date().toISOString();
    if ((await purgeIntegrationData(integration, deps, { at, deadline })).complete) completed += 1;
  }
  return { resumed, completed };
};

/** Only subscriptions at this stack's addresses (callback URL, event source) are ours to remove. */
export interface DisconnectDeps extends PurgeDeps, OpenShopDeps, WebhookAddresses {
  readonly integrations: IntegrationRepository;
  readonly webhookTopics: WebhookTopics;
  readonly now?: () => Date;
}

export interface DisconnectResult {
  readonly integration: ReturnType<typeof publicIntegrationView>;
  readonly webhookSubscriptionsRemoved: number;
  readonly webhookCleanupError?: string;
  readonly purge?: PurgeResult;
}

export const disconnectIntegration = async (
  key: IntegrationKey,
  { purge, deadline }: { purge: boolean; deadline?: number },
  deps: DisconnectDeps,
): Promise<DisconnectResult> => {
  const integration = await requireIntegration(deps.integrations, key);
  const { integrationId } = integration;
  const at = (deps.now?.() ?? new Date()).toISOString();
  // Deactivate first: from here on no fan-out selects it and webhooks are ignored, whatever fails next.
  await deps.integrations.setStatus(
    integrationId,
    'INACTIVE',
    purge ? 'disconnected-and-purged' : 'disconnected',
  );

  let webhookSubscriptionsRemoved = 0;
  let webhookCleanupError: string | undefined;
  try {
    webhookSubscriptionsRemoved = await removeWebhookSubscriptions(
      await openShop(integration, deps),
      ourUris(deps),
      deps.webhookTopics,
    );
  } catch (error) {
    // A revoked token or an uninstalled app: Shopify has already dropped the subscriptions.
    webhookCleanupError = safeMessage(error);
  }
  // The token was needed only to remove the subscriptions: a disconnected store keeps no way in.
  if (!purge) await deps.records.eraseAccessToken(integrationId);
  const purgeResult = purge
    ? await purgeIntegrationData(integration, deps, { at, ...(deadline !== undefined && { deadline }) })
    : undefined;
  deps.logger.info('Integration disconnected', {
    integrationId,
    purge,
    webhookSubscriptionsRemoved,
    webhookCleanupFailed: webhookCleanupError !== undefined,
    deleted: purgeResult?.deleted,
  });
  const after = await requireIntegration(deps.integrations, key);
  return {
    integration: publicIntegrationView(after),
    webhookSubscriptionsRemoved,
    ...(webhookCleanupError !== undefined && { webhookCleanupError }),
    ...(purgeResult && { purge: purgeResult }),
  };
};
