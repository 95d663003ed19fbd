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
} from '../integrations/ports.js';
import type { Logger } from '../logger.js';
import { type TopicHandler, type TopicHandlers, evenWhenInactive } from '../webhooks/topic-registry.js';
import { bodyText, type WebhookDelivery } from '../webhooks/delivery.js';
import { parseShopifyJson } from '../webhooks/shopify-json.js';
import { parseWith } from '../validation.js';
import {
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
  readonly logger: Logger;
  /** Wall-clock budget of shop/redact inside one delivery (Shopify waits 5 s). */
  readonly purgeBudgetMs?: number;
  readonly now?: () => Date;
}

const payloadOf = <T extends Parameters<typeof parseWith>[0]>(schema: T, delivery: WebhookDelivery) =>
  parseWith(schema, parseShopifyJson(bodyText(delivery)), `${delivery.topic} payload`);

/** The signer plus any other integration of the same shop (e.g. an earlier, purged one). */
const integrationsOfShop = async (deps: ComplianceDeps, signer: Integration): Promise<Integration[]> => {
  const all = await deps.integrations.findByShopDomain(signer.shopDomain);
  return all.some((i) => i.integrationId === signer.integrationId) ? all : [signer, ...all];
};

export const complianceTopics = (deps: ComplianceDeps): TopicHandlers => {
  const now = () => deps.now?.() ?? new Date();
  const mirrorNamed = (name: string) => deps.mirrors.find((mirror) => mirror.name === name);

  const appUninstalled: TopicHandler = async (delivery, integration) => {
    // No more syncs (the integration leaves the active index) and no Shopify calls: the token is dead.
    await deps.integrations.setStatus(integration.integrationId, 'INACTIVE', 'app-uninstalled');
    await deps.records.recordUninstalled(integration.integrationId, delivery.triggeredAt);
    deps.logger.info('App uninstalled: integration deactivated', {
      integrationId: integration.integrationId,
    });
    return { outcome: 'written' };
  };

  const customersRedact: TopicHandler = async (delivery, signer) => {
    const payload = payloadOf(customersRedactPayloadSchema, delivery);
    const shopifyId = payload.customer.id;
    const redactedAt = now().toISOString();
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
    });
    return outcomes.includes('redacted')
      ? { outcome: 'written', shopifyId }
      : { outcome: 'stale', reason: 'already-redacted', shopifyId };
  };

  const shopRedact: TopicHandler = async (delivery, signer) => {
    payloadOf(shopRedactPayloadSchema, delivery);
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
  };

  const customersDataRequest: TopicHandler = async (delivery, signer) => {
    const payload = payloadOf(customersDataRequestPayloadSchema, delivery);
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
  };

  return {
    'app/uninstalled': evenWhenInactive(appUninstalled),
    'customers/redact': evenWhenInactive(customersRedact),
    'shop/redact': evenWhenInactive(shopRedact),
    'customers/data_request': evenWhenInactive(customersDataRequest),
  };
};
