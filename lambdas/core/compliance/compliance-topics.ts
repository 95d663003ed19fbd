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
  DataExports,
  IntegrationLifecycleRecords,
  IntegrationRepository,
  Mirror,
  RedactionLedger,
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
  /** Every mirrored resource: shop/redact purges them all; customers/redact erases in `customers` and `orders`. */
  readonly mirrors: readonly Mirror[];
  /** The customer mirror's reads, for customers/data_request. */
  readonly customers: {
    get(organizationId: string, shopifyId: string): Promise<StoredCustomer | undefined>;
  };
  readonly exports: DataExports;
  readonly ledger: RedactionLedger;
  readonly logger: Logger;
  /** Wall-clock budget of shop/redact inside one delivery (Shopify waits 5 s). */
  readonly purgeBudgetMs?: number;
  readonly now?: () => Date;
}

/**
 * Whether an integration was gone when shop/redact arrived: not ACTIVE (uninstalled, disconnected,
 * or failing on a revoked token), and not reconnected after the request was received.
 */
const uninstalledBefore = (integration: Integration, receivedAt: string): boolean =>
  integration.status !== 'ACTIVE' &&
  (integration.uninstalledAt === undefined || integration.uninstalledAt <= receivedAt);

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
  const mirrorNamed = (name: string) => deps.mirrors.find((mirror) => mirror.name === name);

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
      // The ledger first: should anything below fail, Shopify's retry finds the id already kept.
      await deps.ledger.record(signer.shopDomain, 'customers', shopifyId);
      for (const orderId of payload.orders_to_redact ?? [])
        await deps.ledger.record(signer.shopDomain, 'orders', orderId);
      const deletedExports = await deps.exports.deleteForCustomer(signer.shopDomain, shopifyId);
      // The customer's record, and the personal fields of the orders Shopify names (which may
      // belong to a guest checkout with no customer record at all).
      const targets = [
        { mirror: mirrorNamed('customers'), ids: [shopifyId] },
        { mirror: mirrorNamed('orders'), ids: payload.orders_to_redact ?? [] },
      ];
      const outcomes: string[] = [];
      for (const integration of await integrationsOfShop(deps, signer)) {
        for (const { mirror, ids } of targets) {
          for (const id of mirror ? ids : []) {
            outcomes.push(
              await mirror!.erasure.redact({
                organizationId: integration.organizationId,
                integrationId: integration.integrationId,
                shopDomain: integration.shopDomain,
                shopifyId: id,
                redactedAt,
              }),
            );
          }
        }
      }
      deps.logger.info('Customer redacted', {
        shopDomain: signer.shopDomain,
        shopifyId,
        ordersToRedact: payload.orders_to_redact?.length ?? 0,
        outcomes,
        deletedExports,
      });
      return outcomes.includes('redacted') || deletedExports > 0
        ? { outcome: 'written', shopifyId }
        : { outcome: 'stale', reason: 'already-redacted', shopifyId };
    },
  });

  const shopRedact = defineTopic({
    payload: shopRedactPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (delivery, signer) => {
      const at = now().toISOString();
      const deadline = Date.now() + (deps.purgeBudgetMs ?? 3_000);
      let complete = true;
      const keptActive: string[] = [];
      const integrations = await integrationsOfShop(deps, signer);
      for (const integration of integrations) {
        // Shopify sends shop/redact 48 h after an uninstall. A store connected again since then
        // is a new, consented relationship: its data is not what the request is about.
        if (!uninstalledBefore(integration, delivery.receivedAt)) {
          keptActive.push(integration.integrationId);
          continue;
        }
        await deps.integrations.setStatus(integration.integrationId, 'INACTIVE', 'shop-redacted');
        const result = await purgeIntegrationData(integration, deps, { at, deadline });
        complete &&= result.complete;
      }
      const deletedExports =
        keptActive.length === 0 ? await deps.exports.deleteForShop(signer.shopDomain) : 0;
      if (keptActive.length > 0) {
        deps.logger.warn('shop/redact left integrations reconnected since the uninstall intact', {
          shopDomain: signer.shopDomain,
          integrationIds: keptActive,
        });
      }
      deps.logger.info('Shop redact processed', { shopDomain: signer.shopDomain, complete, deletedExports });
      return keptActive.length === integrations.length
        ? { outcome: 'ignored', reason: 'reconnected-since-uninstall' }
        : { outcome: 'written' };
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
