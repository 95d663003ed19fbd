/**
 * app/uninstalled and the mandatory privacy webhooks, registered into the webhook topic registry.
 * Each is idempotent (redelivery converges on the same items) and answers within Shopify's 5 s:
 * the one heavy job, shop/redact on a large store, works to a time budget and leaves the rest to
 * the daily health check (see purgeIntegrationData).
 *
 * A shop may be mirrored by more than one integration over time (a purged one and a newer one),
 * so erasure and export act on every integration of the shop domain, not just the signer.
 */
import type { StoredCustomer } from '../customers/customer-record.js';
import type { Integration } from '../integrations/integration.js';
import { purgeIntegrationData } from '../integrations/manage.js';
import type {
  CustomerErasure,
  CustomerInventory,
  DataExports,
  IntegrationLifecycleRecords,
  IntegrationRepository,
} from '../integrations/ports.js';
import type { Logger } from '../logger.js';
import { defineTopic, type TopicDefinitions } from '../webhooks/topic-registry.js';
import {
  appUninstalledPayloadSchema,
  customersDataRequestPayloadSchema,
  customersRedactPayloadSchema,
  shopRedactPayloadSchema,
} from '../../shopify/compliance-payloads.js';

export interface ComplianceDeps {
  readonly integrations: IntegrationRepository;
  readonly records: IntegrationLifecycleRecords;
  readonly customers: CustomerInventory & {
    get(organizationId: string, shopifyId: string): Promise<StoredCustomer | undefined>;
  };
  readonly erasure: CustomerErasure;
  readonly exports: DataExports;
  readonly logger: Logger;
  /** Wall-clock budget of shop/redact inside one delivery (Shopify waits 5 s). */
  readonly purgeBudgetMs?: number;
  readonly now?: () => Date;
}

/** The privacy payloads name their shop as `shop_domain` + `shop_id`. */
const privacyShop = (payload: { shop_domain: string; shop_id: string }) => ({
  domain: payload.shop_domain,
  id: payload.shop_id,
});

/** The signer plus any other integration of the same shop (e.g. an earlier, purged one). */
const integrationsOfShop = async (deps: ComplianceDeps, signer: Integration): Promise<Integration[]> => {
  const all = await deps.integrations.findByShopDomain(signer.shopDomain);
  return all.some((i) => i.integrationId === signer.integrationId) ? all : [signer, ...all];
};

export const complianceTopics = (deps: ComplianceDeps): TopicDefinitions => {
  const now = () => deps.now?.() ?? new Date();

  const appUninstalled = defineTopic({
    payload: appUninstalledPayloadSchema,
    signedShop: (shop) => ({ domain: shop.myshopify_domain, id: shop.id }),
    servesInactiveIntegrations: true,
    handle: async (delivery, integration) => {
      // No more syncs (the integration leaves the active index) and no Shopify calls: the token is dead.
      await deps.integrations.setStatus(integration.integrationId, 'INACTIVE', 'app-uninstalled');
      await deps.records.recordUninstalled(integration.integrationId, delivery.triggeredAt);
      deps.logger.info('App uninstalled: integration deactivated', {
        integrationId: integration.integrationId,
      });
      return { outcome: 'written' };
    },
  });

  const customersRedact = defineTopic({
    payload: customersRedactPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (_delivery, signer, payload) => {
      const shopifyId = payload.customer.id;
      const redactedAt = now().toISOString();
      const outcomes: string[] = [];
      for (const integration of await integrationsOfShop(deps, signer)) {
        outcomes.push(
          await deps.erasure.redact({
            organizationId: integration.organizationId,
            integrationId: integration.integrationId,
            shopDomain: integration.shopDomain,
            shopifyId,
            redactedAt,
          }),
        );
      }
      deps.logger.info('Customer redacted', { shopDomain: signer.shopDomain, shopifyId, outcomes });
      return outcomes.includes('redacted')
        ? { outcome: 'written', shopifyId }
        : { outcome: 'stale', reason: 'already-redacted', shopifyId };
    },
  });

  const shopRedact = defineTopic({
    payload: shopRedactPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (_delivery, signer) => {
      const at = now().toISOString();
      const deadline = Date.now() + (deps.purgeBudgetMs ?? 3_000);
      let complete = true;
      for (const integration of await integrationsOfShop(deps, signer)) {
        await deps.integrations.setStatus(integration.integrationId, 'INACTIVE', 'shop-redacted');
        const result = await purgeIntegrationData(integration, deps, { at, deadline });
        complete &&= result.complete;
      }
      deps.logger.info('Shop redact processed', { shopDomain: signer.shopDomain, complete });
      return { outcome: 'written' };
    },
  });

  const customersDataRequest = defineTopic({
    payload: customersDataRequestPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (delivery, signer, payload) => {
      const shopifyId = payload.customer.id;
      const records: Record<string, unknown>[] = [];
      for (const integration of await integrationsOfShop(deps, signer)) {
        const stored = await deps.customers.get(integration.organizationId, shopifyId);
        if (stored && stored.integrationId === integration.integrationId) records.push({ ...stored });
      }
      const { exportKey, created } = await deps.exports.save({
        dataRequestId: payload.data_request.id,
        shopDomain: signer.shopDomain,
        shopifyShopId: payload.shop_id,
        customerShopifyId: shopifyId,
        requestedAt: delivery.triggeredAt,
        exportedAt: now().toISOString(),
        records,
      });
      deps.logger.info('Customer data request exported', {
        shopDomain: signer.shopDomain,
        shopifyId,
        dataRequestId: payload.data_request.id,
        exportKey,
        recordCount: records.length,
        created,
      });
      return created
        ? { outcome: 'written', shopifyId }
        : { outcome: 'stale', reason: 'already-exported', shopifyId };
    },
  });

  return {
    'app/uninstalled': appUninstalled,
    'customers/redact': customersRedact,
    'shop/redact': shopRedact,
    'customers/data_request': customersDataRequest,
  };
};
