import { describe, expect, it } from 'vitest';
import { type AttentionFacts, attentionOf, webhookSummary } from '../../../console/web/attention.js';
import { absoluteTime, duration, relativeTime } from '../../../console/web/format.js';

const now = Date.parse('2026-12-07T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const active: AttentionFacts = { status: 'ACTIVE' };
const healthy = { healthy: true, checkedAt: ago(60_000) };
const context = { now, canReinstall: true };

describe('the console says times as a person would', () => {
  it('relative, in plain units, both ways', () => {
    expect(relativeTime(ago(3_000), now)).toBe('just now');
    expect(relativeTime(ago(40_000), now)).toBe('40 s ago');
    expect(relativeTime(ago(4 * 60_000 + 59_000), now)).toBe('4 min ago');
    expect(relativeTime(ago(3 * 3_600_000), now)).toBe('3 h ago');
    expect(relativeTime(ago(30 * 3_600_000), now)).toBe('yesterday');
    expect(relativeTime(ago(5 * 86_400_000), now)).toBe('5 days ago');
    expect(relativeTime(new Date(now + 180_000).toISOString(), now)).toBe('in 3 min');
  });

  it('absolute, with the timezone named', () => {
    expect(absoluteTime('2026-12-07T11:12:27Z', 'UTC')).toBe('7 Dec 2026, 11:12:27 UTC');
  });

  it('durations in the largest units that fit', () => {
    expect(duration(67_400)).toBe('1 min 7 s');
    expect(duration(45_000)).toBe('45 s');
    expect(duration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
  });
});

describe('every attention reason, in plain words with its remedy and action', () => {
  it('a healthy active store needs nothing', () => {
    expect(attentionOf({ ...active, webhookHealth: healthy }, { status: 'succeeded' }, context)).toEqual([]);
  });

  it('a missing scope names the scope, how to grant it, and offers the re-install', () => {
    const [reason, ...rest] = attentionOf(
      {
        ...active,
        resourceAttention: { orders: 'MISSING_SCOPE' },
        missingScopes: { orders: ['read_orders'] },
      },
      undefined,
      context,
    );
    expect(rest).toEqual([]);
    expect(reason).toMatchObject({
      key: 'resource:orders',
      title: 'Orders are not synced: the app lacks "read_orders"',
      actions: ['reinstall'],
    });
    expect(reason!.remedy).toMatch(/^Add "read_orders" to the app's access scopes .* re-install the app/);
  });

  it('a running run tells of a refused resource before the integration records it', () => {
    const [reason] = attentionOf(
      active,
      {
        status: 'running',
        resources: { orders: { attentionReason: 'MISSING_SCOPE', missingScopes: ['read_orders'] } },
      },
      context,
    );
    expect(reason!.title).toBe('Orders are not synced: the app lacks "read_orders"');
  });

  it('without the install flow, the remedy is a new token through the connect form', () => {
    const [reason] = attentionOf({ status: 'NEEDS_ATTENTION', statusReason: 'REAUTHORIZE' }, undefined, {
      now,
      canReinstall: false,
    });
    expect(reason).toMatchObject({ title: 'Access to the store has expired', actions: ['reconnect'] });
    expect(
      attentionOf({ status: 'NEEDS_ATTENTION', statusReason: 'REAUTHORIZE' }, undefined, context)[0]!.actions,
    ).toEqual(['reinstall']);
  });

  it('a revoked token is explained, and its failed run is not reported twice', () => {
    const reasons = attentionOf(
      {
        status: 'NEEDS_ATTENTION',
        statusReason: 'SHOPIFY_UNAUTHORIZED',
        webhookHealth: { ...healthy, healthy: false },
      },
      { status: 'failed', lastError: 'ShopifyAuthError: Shopify refused the access token (HTTP 401)' },
      context,
    );
    expect(reasons.map((reason) => reason.title)).toEqual(['Shopify refused the access token']);
  });

  it('an unknown reason is still shown, by its code', () => {
    const [reason] = attentionOf(
      { status: 'NEEDS_ATTENTION', statusReason: 'SHOP_FROZEN' },
      undefined,
      context,
    );
    expect(reason!.detail).toContain('SHOP_FROZEN');
  });

  it('a disconnect chosen by an operator is not a problem', () => {
    expect(attentionOf({ status: 'INACTIVE', statusReason: 'disconnected' }, undefined, context)).toEqual([]);
  });

  it('a lasting count mismatch says both counts and offers a sync and a webhook check', () => {
    const [reason] = attentionOf(
      {
        ...active,
        countMismatch: { customers: { shopifyCount: 250, storedActive: 1, since: ago(2 * 3_600_000) } },
      },
      undefined,
      context,
    );
    expect(reason).toMatchObject({
      title: 'Customers: the mirror holds 1 customer, Shopify counts 250 customers',
      actions: ['sync-now', 'check-webhooks'],
    });
    expect(reason!.detail).toContain('first seen 2 h ago');
  });

  it('failing webhooks and a failed run of an active store each have their action', () => {
    const reasons = attentionOf(
      { ...active, webhookHealth: { healthy: false, checkedAt: ago(60_000), error: 'timeout' } },
      { status: 'failed', lastError: 'SyncError: Shopify answered 500' },
      context,
    );
    expect(reasons.map((reason) => [reason.key, reason.actions])).toEqual([
      ['webhooks', ['check-webhooks']],
      ['run', ['sync-now']],
    ]);
    expect(reasons[1]!.detail).toBe('Shopify answered 500');
  });
});

describe('the webhooks cell', () => {
  it('says "healthy" only of an active store whose last check passed', () => {
    expect(webhookSummary({ ...active, webhookHealth: healthy }, now).text).toBe('healthy');
    const refused = webhookSummary({ status: 'NEEDS_ATTENTION', webhookHealth: healthy }, now);
    expect(refused).toMatchObject({ text: 'unknown', tone: 'warn' });
    expect(refused.detail).toBe(
      'cannot be checked while Shopify refuses the store; last check 1 min ago passed',
    );
    expect(webhookSummary({ status: 'INACTIVE', webhookHealth: healthy }, now).text).toBe('stopped');
  });
});
