import { describe, expect, it } from 'vitest';
import type { BackendEvent } from '../../../lambdas/core/events/backend-events.js';
import { backendEventDetails } from '../../../lambdas/core/events/backend-events.js';
import {
  attentionAfterCheck,
  checkScopes,
  type GrantedScopesUpdate,
  newlyGrantedResources,
  newlyMissingScopes,
  recordGrantedScopes,
} from '../../../lambdas/core/integrations/granted-scopes.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { initialResourceProgress, zeroCallCounters } from '../../../lambdas/core/sync/progress.js';
import { withMissingScopes } from '../../../lambdas/core/sync/resource-loop.js';

const all = { resources: ['customers', 'orders', 'products'] as const, options: {} };
const store = { integrationId: 'int_1', organizationId: 'org-1', shopDomain: 'a.myshopify.com' };

/** The port, in memory: what was written, and the events published. */
const world = () => {
  const writes: GrantedScopesUpdate[] = [];
  const events: BackendEvent[] = [];
  return {
    writes,
    events,
    deps: {
      ...all,
      store: {
        recordGrantedScopes: async (_id: string, update: GrantedScopesUpdate) => void writes.push(update),
      },
      events: { publish: async (batch: readonly BackendEvent[]) => void events.push(...batch) },
      logger: silentLogger,
      now: () => Date.parse('2026-12-07T12:00:00.000Z'),
    },
  };
};

describe('checking granted scopes', () => {
  it('names per resource what a comma-separated grant lacks, and lists the grant sorted once each', () => {
    expect(checkScopes('read_products, read_customers,,read_customers', all)).toEqual({
      grantedScopes: ['read_customers', 'read_products'],
      missingScopes: { orders: ['read_orders'] },
    });
    expect(checkScopes(['write_orders', 'read_customers', 'read_products'], all).missingScopes).toEqual({});
    expect(
      checkScopes(['read_customers', 'read_orders'], {
        resources: ['orders'],
        options: { fullHistory: true },
      }).missingScopes,
    ).toEqual({ orders: ['read_all_orders'] });
  });

  it('MISSING_SCOPE replaces and is replaced; ACCESS_DENIED is left for a sync to judge', () => {
    expect(
      attentionAfterCheck(
        { orders: 'MISSING_SCOPE', products: 'ACCESS_DENIED' },
        { customers: ['read_customers'] },
      ),
    ).toEqual({ customers: 'MISSING_SCOPE', products: 'ACCESS_DENIED' });
    expect(attentionAfterCheck(undefined, {})).toEqual({});
  });

  it('a scope is newly missing only if the integration did not already record it missing', () => {
    expect(newlyMissingScopes({ orders: ['read_orders'] }, { orders: ['read_orders'] })).toEqual({});
    expect(
      newlyMissingScopes(
        { orders: ['read_orders'] },
        { orders: ['read_orders', 'read_all_orders'], products: ['read_products'] },
      ),
    ).toEqual({ orders: ['read_all_orders'], products: ['read_products'] });
    expect(newlyMissingScopes(undefined, {})).toEqual({});
  });
});

describe('a grant that came', () => {
  it('names the resources that lacked scopes and lack none now', () => {
    expect(
      newlyGrantedResources(
        { orders: ['read_orders'], products: ['read_products'] },
        { products: ['read_products'] },
      ),
    ).toEqual(['orders']);
    expect(newlyGrantedResources(undefined, {})).toEqual([]);
    expect(newlyGrantedResources({ orders: ['read_orders'] }, { orders: ['read_all_orders'] })).toEqual([]);
  });
});

describe('recording granted scopes', () => {
  it('writes the grant, the missing scopes and the attention, and announces MISSING_SCOPE with the run', async () => {
    const { writes, events, deps } = world();
    const update = await recordGrantedScopes(store, 'read_customers', deps, { runId: 'run-1' });
    expect(update).toEqual({
      grantedScopes: ['read_customers'],
      missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
    });
    expect(writes).toEqual([update]);
    expect(events).toEqual([
      {
        type: 'Integration Needs Attention',
        detail: {
          ...store,
          reason: 'MISSING_SCOPE',
          missingScopes: { orders: ['read_orders'], products: ['read_products'] },
          at: '2026-12-07T12:00:00.000Z',
          runId: 'run-1',
        },
      },
    ]);
    // The published detail follows its documented schema.
    expect(() => backendEventDetails['Integration Needs Attention'].parse(events[0]!.detail)).not.toThrow();
  });

  it('the same grant again writes and announces nothing', async () => {
    const { writes, events, deps } = world();
    const recorded = {
      ...store,
      grantedScopes: ['read_customers'],
      missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
    };
    await recordGrantedScopes(recorded, ['read_customers'], deps);
    expect(writes).toEqual([]);
    expect(events).toEqual([]);
  });

  it('a grant that covers more clears that attention without an event; one that lacks more announces it', async () => {
    const { writes, events, deps } = world();
    const recorded = {
      ...store,
      grantedScopes: ['read_customers'],
      missingScopes: { orders: ['read_orders'], products: ['read_products'] },
      resourceAttention: { orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' },
    };
    await recordGrantedScopes(recorded, 'read_customers,read_orders', deps);
    expect(writes).toEqual([
      {
        grantedScopes: ['read_customers', 'read_orders'],
        missingScopes: { products: ['read_products'] },
        resourceAttention: { products: 'MISSING_SCOPE' },
      },
    ]);
    expect(events).toEqual([]);

    await recordGrantedScopes(
      {
        ...store,
        grantedScopes: ['read_customers', 'read_orders'],
        missingScopes: { products: ['read_products'] },
      },
      'read_products',
      deps,
    );
    expect(events.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        reason: 'MISSING_SCOPE',
        missingScopes: { customers: ['read_customers'], orders: ['read_orders'] },
      }),
    ]);
  });
});

describe("a run's resources without their scopes", () => {
  const progress = (statuses: Record<string, 'pending' | 'syncing' | 'completed' | 'needs-attention'>) => ({
    resources: Object.fromEntries(
      Object.entries(statuses).map(([name, status]) => [
        name,
        { ...initialResourceProgress(null, 50), status },
      ]),
    ),
    calls: zeroCallCounters,
  });

  it('are marked needs-attention with MISSING_SCOPE and the scopes to grant; finished ones are left alone', () => {
    const marked = withMissingScopes(
      progress({ customers: 'completed', orders: 'syncing', products: 'pending' }),
      { customers: ['read_customers'], orders: ['read_orders'], products: ['read_products'] },
    );
    expect(marked?.resources['customers']?.status).toBe('completed');
    expect(marked?.resources['orders']).toMatchObject({
      status: 'needs-attention',
      attentionReason: 'MISSING_SCOPE',
      missingScopes: ['read_orders'],
    });
    expect(marked?.resources['products']).toMatchObject({
      status: 'needs-attention',
      missingScopes: ['read_products'],
    });
  });

  it('nothing missing, or nothing left to mark: no change', () => {
    expect(withMissingScopes(progress({ customers: 'pending' }), {})).toBeUndefined();
    expect(
      withMissingScopes(progress({ orders: 'needs-attention' }), { orders: ['read_orders'] }),
    ).toBeUndefined();
  });
});
