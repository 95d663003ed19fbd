import { describe, expect, it } from 'vitest';
import {
  missingScopesByResource,
  requiredScopes,
  scopesOf,
} from '../../../lambdas/core/integrations/access-scopes.js';

describe('access scopes', () => {
  it('asks for the union of the mirrored resources’ scopes, sorted, once each', () => {
    expect(requiredScopes(['products', 'customers', 'orders'])).toEqual([
      'read_customers',
      'read_orders',
      'read_products',
    ]);
    expect(requiredScopes(['customers'])).toEqual(['read_customers']);
  });

  it('adds read_all_orders only when the deployment mirrors full history', () => {
    expect(scopesOf('orders')).toEqual(['read_orders']);
    expect(scopesOf('orders', { fullHistory: true })).toEqual(['read_orders', 'read_all_orders']);
    expect(scopesOf('customers', { fullHistory: true })).toEqual(['read_customers']);
  });

  it('names per resource what Shopify did not grant', () => {
    expect(missingScopesByResource(['customers', 'orders', 'products'], 'read_customers')).toEqual({
      orders: ['read_orders'],
      products: ['read_products'],
    });
    expect(missingScopesByResource(['customers'], ['read_customers'])).toEqual({});
  });

  it('counts a write scope as its read scope, and ignores blanks in a comma-separated grant', () => {
    expect(
      missingScopesByResource(['customers', 'orders'], 'write_customers, ,write_orders', {
        fullHistory: true,
      }),
    ).toEqual({ orders: ['read_all_orders'] });
  });
});
