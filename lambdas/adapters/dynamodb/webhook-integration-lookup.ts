/**
 * The webhook path's view of the Integrations table (core/webhooks/authenticate.ts), cached per
 * container: most deliveries of a warm Lambda come from the same few stores, and a lookup per
 * delivery was one of its four sequential round trips.
 *
 * Choices, and why:
 * - A shop with an ACTIVE integration is cached for `ttlMs` (30 s). One whose integrations are
 *   all inactive is not (a reconnect must be seen at once).
 * - A shop with no integration at all is remembered for `unknownShopTtlMs` (5 s), at most
 *   `maxUnknownShops` of them: once any store has its own webhook secret, an unsigned request
 *   cannot be refused before its shop is looked up, and a flood naming unknown shops would cost a
 *   Query per request. Brief, because a store connected a moment ago must not have its first
 *   deliveries ignored for long (Shopify retries a delivery the sync has not healed anyway). What a
 *   cached entry can miss for up to 30 s is an uninstall or a disconnect made elsewhere (this
 *   container forgets a shop whose uninstall or privacy delivery it processed): a genuine
 *   delivery signed for that store is then still applied, as the hourly sync would have done.
 * - At most `maxShops` entries, least recently used out first: memory stays bounded however
 *   many stores one container serves.
 * - Whether any store has a webhook secret of its own is one marker item, read at most once per
 *   `ttlMs`: with none, a bad signature is refused without touching DynamoDB.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Integration } from '../../core/integrations/integration.js';
import type { IntegrationLookup } from '../../core/webhooks/authenticate.js';
import { OWN_WEBHOOK_SECRETS_KEY } from './integration-lifecycle-store.js';
import type { IntegrationStore } from './integration-store.js';

export interface WebhookIntegrationLookupOptions {
  readonly ttlMs?: number;
  readonly maxShops?: number;
  readonly unknownShopTtlMs?: number;
  readonly maxUnknownShops?: number;
  readonly now?: () => number;
}

export const createWebhookIntegrationLookup = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  store: Pick<IntegrationStore, 'findByShopDomain'>,
  {
    ttlMs = 30_000,
    maxShops = 1_000,
    unknownShopTtlMs = 5_000,
    maxUnknownShops = 10_000,
    now = Date.now,
  }: WebhookIntegrationLookupOptions = {},
): IntegrationLookup => {
  const shops = new Map<string, { readonly integrations: Integration[]; readonly until: number }>();
  /** Unknown shop → until when it is taken as still unknown; insertion order is age order. */
  const unknown = new Map<string, number>();
  let secretsInUse: { readonly value: boolean; readonly until: number } | undefined;

  return {
    async findByShopDomain(shopDomain) {
      const cached = shops.get(shopDomain);
      if (cached && cached.until > now()) {
        // Re-inserted: Map order is the recency order the eviction below relies on.
        shops.delete(shopDomain);
        shops.set(shopDomain, cached);
        return cached.integrations;
      }
      shops.delete(shopDomain);
      const unknownUntil = unknown.get(shopDomain);
      if (unknownUntil !== undefined && unknownUntil > now()) return [];
      unknown.delete(shopDomain);
      const integrations = await store.findByShopDomain(shopDomain);
      if (integrations.length === 0) {
        unknown.set(shopDomain, now() + unknownShopTtlMs);
        if (unknown.size > maxUnknownShops) unknown.delete(unknown.keys().next().value!);
      }
      if (integrations.some((integration) => integration.status === 'ACTIVE')) {
        shops.set(shopDomain, { integrations, until: now() + ttlMs });
        if (shops.size > maxShops) shops.delete(shops.keys().next().value!);
      }
      return integrations;
    },

    forget(shopDomain) {
      shops.delete(shopDomain);
      unknown.delete(shopDomain);
    },

    async ownWebhookSecretsInUse() {
      if (secretsInUse && secretsInUse.until > now()) return secretsInUse.value;
      const { Item } = await doc.send(
        new GetCommand({ TableName: tableName, Key: { integrationId: OWN_WEBHOOK_SECRETS_KEY } }),
      );
      secretsInUse = { value: Item !== undefined, until: now() + ttlMs };
      return secretsInUse.value;
    },
  };
};
