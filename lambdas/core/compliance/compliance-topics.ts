/**
 * app/uninstalled and the mandatory privacy webhooks, registered into the webhook topic registry.
 * Each is idempotent (redelivery converges on the same items) and answers within Shopify's 5 s:
 * the one heavy job, shop/redact on a large store, works to a time budget and leaves the rest to
 * the daily health check (see purgeIntegrationData).
 *
 * A shop may be mirrored by more than one integration over time (a purged one and a newer one),
 * so erasure and export act on every integration of the shop domain, not just the signer.
 */
import type { StoredRecord } from '../../resources/kit/mirrored-record.js';
import type { RecordOfTable } from '../../resources/registry.js';
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
    get(
      organizationId: string,
      shopifyId: string,
    ): Promise<StoredRecord<RecordOfTable<'Customers'>> | undefined>;
  };
  /** The order mirror's reads, for the orders a data request lists. */
  readonly orders?: {
    get(organizationId: string, shopifyId: string): Promise<{ readonly integrationId: string } | undefined>;
  };
  readonly exports: DataExports;
  readonly ledger: RedactionLedger;
  readonly logger: Logger;
  /** Wall-clock budget of shop/redact inside one delivery (Shopify waits 5 s). */
  readonly purgeBudgetMs?: number;
  readonly now?: () => Date;
}

/** Set only once Shopify refused the stored token after an app/uninstalled (or nothing was left to ask with). */
const UNINSTALLED = 'app-uninstalled';
const SHOP_REDACTED = 'shop-redacted';

/**
 * Whether shop/redact may purge an integration: its uninstall was confirmed (or it was purged by an
 * earlier shop/redact, which a retry may finish) before the request arrived, and it was not
 * connected again since (a reconnect makes it ACTIVE and clears the uninstall). A replayed body,
 * however old, does nothing to a live store: its status says so, not a digest of the body.
 */
const uninstalledBefore = (integration: Integration, receivedAt: string): boolean =>
  integration.status === 'INACTIVE' &&
  (integration.statusReason === UNINSTALLED || integration.statusReason === SHOP_REDACTED) &&
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

  /**
   * The body is signed but the same for every uninstall of the shop, so a captured one can be
   * replayed long after, against a store connected again since. It deactivates nothing itself:
   * Shopify confirms. A store whose token Shopify refuses already (NEEDS_ATTENTION after a 401),
   * or that has no token left (disconnected), is uninstalled at once; an ACTIVE one is marked
   * and made due, and the sync that meets a 401 finishes the uninstall (run-sync.ts), while one
   * that succeeds refutes the claim. The webhook Lambda cannot decrypt tokens, so it does not
   * ask Shopify itself. Idempotent: a redelivery finds the claim or the uninstall in place.
   */
  const appUninstalled = defineTopic({
    payload: appUninstalledPayloadSchema,
    signedShop: (shop) => ({ domain: shop.myshopify_domain, id: shop.id }),
    servesInactiveIntegrations: true,
    idempotent: true,
    handle: async (delivery, integration) => {
      const { integrationId } = integration;
      if (integration.statusReason === UNINSTALLED || integration.statusReason === SHOP_REDACTED)
        return { outcome: 'stale', reason: 'already-uninstalled' };
      const refused =
        integration.status === 'NEEDS_ATTENTION' && integration.statusReason === 'SHOPIFY_UNAUTHORIZED';
      if (refused || !integration.encryptedAccessToken) {
        await deps.integrations.setStatus(integrationId, 'INACTIVE', UNINSTALLED);
        await deps.records.recordUninstalled(integrationId, delivery.receivedAt);
        deps.logger.info('App uninstalled: integration deactivated', { integrationId });
        return { outcome: 'written' };
      }
      if (integration.uninstallClaimedAt !== undefined)
        return { outcome: 'stale', reason: 'uninstall-already-claimed' };
      await deps.records.recordUninstallClaim(integrationId, delivery.receivedAt);
      deps.logger.info('App uninstalled claimed: the next sync asks Shopify to confirm', { integrationId });
      return { outcome: 'written' };
    },
  });

  /** The ids of a store's mirrored orders whose customerId is this customer. */
  const ordersOf = async (integration: Integration, customerId: string): Promise<string[]> => {
    const inventory = mirrorNamed('orders')?.inventory;
    if (!inventory?.idsWithLookup) return [];
    const ids: string[] = [];
    for await (const page of inventory.idsWithLookup(integration.organizationId, integration.integrationId, {
      attribute: 'customerId',
      value: customerId,
    }))
      ids.push(...page);
    return ids;
  };

  const customersRedact = defineTopic({
    idempotent: true,
    payload: customersRedactPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (_delivery, signer, payload) => {
      const shopifyId = payload.customer.id;
      const redactedAt = now().toISOString();
      // The ledger first: should anything below fail, Shopify's retry finds the id already kept.
      await deps.ledger.record(signer.shopDomain, 'customers', shopifyId);
      await deps.ledger.recordMany(signer.shopDomain, 'orders', payload.orders_to_redact ?? []);
      const deletedExports = await deps.exports.deleteForCustomer(signer.shopDomain, shopifyId);
      // The customer's record, and the personal fields of the orders Shopify names (which may
      // belong to a guest checkout with no customer record at all).
      const targets = [
        { mirror: mirrorNamed('customers'), ids: [shopifyId] },
        { mirror: mirrorNamed('orders'), ids: payload.orders_to_redact ?? [] },
      ];
      const outcomes: string[] = [];
      for (const integration of await integrationsOfShop(deps, signer)) {
        // Every order that names the customer, listed or not: Shopify lists what it knows of, the
        // mirror may hold more (an order Shopify has since archived away from the customer's list).
        const referencing = await ordersOf(integration, shopifyId);
        await deps.ledger.recordMany(signer.shopDomain, 'orders', referencing);
        const integrationTargets = [
          ...targets,
          { mirror: mirrorNamed('orders'), ids: referencing.filter((id) => !targets[1]!.ids.includes(id)) },
        ];
        for (const { mirror, ids } of integrationTargets) {
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
    idempotent: true,
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
        // Shopify's retry of a purge already made finds nothing left to write.
        if (integration.statusReason !== SHOP_REDACTED)
          await deps.integrations.setStatus(integration.integrationId, 'INACTIVE', SHOP_REDACTED);
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
    idempotent: true,
    payload: customersDataRequestPayloadSchema,
    signedShop: privacyShop,
    servesInactiveIntegrations: true,
    handle: async (delivery, signer, payload) => {
      const shopifyId = payload.customer.id;
      const records: Record<string, unknown>[] = [];
      const orders: Record<string, unknown>[] = [];
      for (const integration of await integrationsOfShop(deps, signer)) {
        const stored = await deps.customers.get(integration.organizationId, shopifyId);
        if (stored && stored.integrationId === integration.integrationId) records.push({ ...stored });
        for (const orderId of deps.orders ? (payload.orders_requested ?? []) : []) {
          const order = await deps.orders!.get(integration.organizationId, orderId);
          if (order && order.integrationId === integration.integrationId) orders.push({ ...order });
        }
      }
      const { exportKey, created } = await deps.exports.save({
        dataRequestId: payload.data_request.id,
        shopDomain: signer.shopDomain,
        shopifyShopId: payload.shop_id,
        customerShopifyId: shopifyId,
        requestedAt: delivery.triggeredAt,
        exportedAt: now().toISOString(),
        records,
        orders,
      });
      deps.logger.info('Customer data request exported', {
        shopDomain: signer.shopDomain,
        shopifyId,
        dataRequestId: payload.data_request.id,
        exportKey,
        recordCount: records.length,
        orderCount: orders.length,
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
