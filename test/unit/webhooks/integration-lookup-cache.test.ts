/**
 * Floods hurt only the flooder: once any store has a webhook secret of its own, an unsigned
 * request naming a shop cannot be refused before that shop is looked up. A shop that is not
 * connected is remembered briefly, so a flood of garbage naming unknown shops costs one Query
 * per shop per few seconds, not one per request, in memory that stays bounded.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createWebhookIntegrationLookup } from '../../../lambdas/adapters/dynamodb/webhook-integration-lookup.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';

const countingStore = (connected: Record<string, Integration[]> = {}) => {
  const queries: string[] = [];
  return {
    queries,
    store: {
      findByShopDomain: async (shopDomain: string) => {
        queries.push(shopDomain);
        return connected[shopDomain] ?? [];
      },
    },
  };
};
const noDoc = {} as DynamoDBDocumentClient;

describe('the webhook path remembers shops it does not know, briefly', () => {
  it('a flood naming one unknown shop costs one lookup per negative TTL, not one per request', async () => {
    let now = 1_000_000;
    const { store, queries } = countingStore();
    const lookup = createWebhookIntegrationLookup(noDoc, 'Integrations', store, {
      now: () => now,
      unknownShopTtlMs: 5_000,
    });
    for (let request = 0; request < 1_000; request += 1)
      expect(await lookup.findByShopDomain('nobody.myshopify.com')).toEqual([]);
    expect(queries).toHaveLength(1);
    now += 5_001;
    await lookup.findByShopDomain('nobody.myshopify.com');
    expect(queries).toHaveLength(2);
  });

  it('the remembered unknown shops are bounded: the oldest are forgotten first', async () => {
    const { store, queries } = countingStore();
    const lookup = createWebhookIntegrationLookup(noDoc, 'Integrations', store, {
      now: () => 0,
      maxUnknownShops: 100,
    });
    for (let n = 0; n < 150; n += 1) await lookup.findByShopDomain(`flood-${n}.myshopify.com`);
    expect(queries).toHaveLength(150);
    // The newest 100 are remembered; the first 50 were forgotten and are looked up again.
    for (let n = 50; n < 150; n += 1) await lookup.findByShopDomain(`flood-${n}.myshopify.com`);
    expect(queries).toHaveLength(150);
    await lookup.findByShopDomain('flood-0.myshopify.com');
    expect(queries).toHaveLength(151);
  });

  it('a store connected after its miss is found once the brief TTL has passed', async () => {
    let now = 0;
    const connected: Record<string, Integration[]> = {};
    const { store } = countingStore(connected);
    const lookup = createWebhookIntegrationLookup(noDoc, 'Integrations', store, { now: () => now });
    expect(await lookup.findByShopDomain('new-store.myshopify.com')).toEqual([]);
    connected['new-store.myshopify.com'] = [{ integrationId: 'int-1', status: 'ACTIVE' } as Integration];
    now += 10_000;
    expect(await lookup.findByShopDomain('new-store.myshopify.com')).toHaveLength(1);
  });
});
