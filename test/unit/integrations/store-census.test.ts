import { describe, expect, it } from 'vitest';
import { type CensusFields, takeStoreCensus } from '../../../lambdas/core/integrations/store-census.js';

const now = Date.parse('2026-11-30T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
const thresholds = { now, staleAfterMs: 3 * 3_600_000, webhooksSilentAfterMs: 6 * 3_600_000 };
const active = (fields: Partial<CensusFields> = {}): CensusFields => ({
  status: 'ACTIVE',
  createdAt: hoursAgo(100),
  lastSuccessfulSyncAt: hoursAgo(1),
  ...fields,
});
async function* pages(...batches: CensusFields[][]) {
  yield* batches;
}

describe('store census', () => {
  it('counts stores per status across pages', async () => {
    const census = await takeStoreCensus(
      pages([active(), active({ status: 'NEEDS_ATTENTION' })], [active({ status: 'INACTIVE' }), active()]),
      thresholds,
    );
    expect(census).toEqual({
      active: 2,
      needingAttention: 1,
      inactive: 1,
      stale: 0,
      webhooksSilent: 0,
      missingScope: 0,
      missingScopeByResource: {},
    });
  });

  it('an active store is stale after 3 intervals without a successful sync, or without any since it connected', async () => {
    const census = await takeStoreCensus(
      pages([
        active({ lastSuccessfulSyncAt: hoursAgo(3.5) }),
        active({ lastSuccessfulSyncAt: hoursAgo(2.5) }),
        active({ lastSuccessfulSyncAt: undefined, createdAt: hoursAgo(4) }),
        active({ lastSuccessfulSyncAt: undefined, createdAt: hoursAgo(1) }), // first sync still running
        active({ status: 'NEEDS_ATTENTION', lastSuccessfulSyncAt: hoursAgo(50) }), // counted as needing attention
      ]),
      thresholds,
    );
    expect(census.stale).toBe(2);
  });

  it('webhooks are silent only when syncs healed changes after the last webhook and none came for hours', async () => {
    const census = await takeStoreCensus(
      pages([
        active({ lastHealedAt: hoursAgo(1), lastWebhookAt: hoursAgo(7) }), // silent
        active({ lastHealedAt: hoursAgo(1), createdAt: hoursAgo(8) }), // never a webhook since connecting: silent
        active({ lastHealedAt: hoursAgo(1), lastWebhookAt: hoursAgo(2) }), // a webhook came recently
        active({ lastHealedAt: hoursAgo(8), lastWebhookAt: hoursAgo(7) }), // webhooks came after the healing
        active({ lastWebhookAt: hoursAgo(30) }), // a quiet store: nothing changed, nothing healed
      ]),
      thresholds,
    );
    expect(census.webhooksSilent).toBe(2);
  });

  it('counts active stores that lack a resource’s access scopes, in all and per resource', async () => {
    const census = await takeStoreCensus(
      pages([
        active({ missingScopes: { orders: ['read_orders'], products: ['read_products'] } }),
        active({ missingScopes: { orders: ['read_all_orders'] } }),
        active({ missingScopes: {} }), // checked, nothing missing
        active(),
        // Not syncing at all: counted as needing attention, not here.
        active({ status: 'NEEDS_ATTENTION', missingScopes: { orders: ['read_orders'] } }),
      ]),
      thresholds,
    );
    expect(census.missingScope).toBe(2);
    expect(census.missingScopeByResource).toEqual({ orders: 2, products: 1 });
  });
});
