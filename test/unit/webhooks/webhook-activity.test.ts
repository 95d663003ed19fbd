import { describe, expect, it } from 'vitest';
import {
  createWebhookActivityNoter,
  WEBHOOK_ACTIVITY_RESOLUTION_MS,
  type WebhookActivity,
} from '../../../lambdas/core/webhooks/webhook-activity.js';

/** An activity store that keeps what it was asked to write, like the Integrations item would. */
const recordingActivity = () => {
  const writes: { integrationId: string; at: string }[] = [];
  const activity: WebhookActivity = {
    recordWebhookAt: async (integrationId, at) => {
      writes.push({ integrationId, at });
    },
  };
  return { activity, writes };
};

const t0 = Date.parse('2026-11-01T00:00:00Z');

describe('webhook activity (lastWebhookAt)', () => {
  it('writes once per store per resolution window, even while the integration it is given is a stale copy', async () => {
    const { activity, writes } = recordingActivity();
    const noter = createWebhookActivityNoter(activity);
    // A cached copy of the integration: its lastWebhookAt never moves while it is cached.
    const cached = { integrationId: 'int-a', lastWebhookAt: undefined };
    for (let second = 0; second < 60; second += 1) await noter.note(cached, t0 + second * 1000);
    expect(writes).toEqual([{ integrationId: 'int-a', at: new Date(t0).toISOString() }]);

    await noter.note(cached, t0 + WEBHOOK_ACTIVITY_RESOLUTION_MS - 1);
    expect(writes).toHaveLength(1);
    expect(await noter.note(cached, t0 + WEBHOOK_ACTIVITY_RESOLUTION_MS)).toBe(true);
    expect(writes).toHaveLength(2);
  });

  it('trusts a recent lastWebhookAt on the stored integration (written by another container)', async () => {
    const { activity, writes } = recordingActivity();
    const noter = createWebhookActivityNoter(activity);
    const fresh = { integrationId: 'int-a', lastWebhookAt: new Date(t0 - 1000).toISOString() };
    expect(await noter.note(fresh, t0)).toBe(false);
    expect(writes).toEqual([]);
  });

  it('keeps stores apart, and remembers at most maxIntegrations of them', async () => {
    const { activity, writes } = recordingActivity();
    const noter = createWebhookActivityNoter(activity, { maxIntegrations: 2 });
    for (const id of ['int-a', 'int-b', 'int-c']) await noter.note({ integrationId: id }, t0);
    expect(writes.map((w) => w.integrationId)).toEqual(['int-a', 'int-b', 'int-c']);
    // int-a was forgotten (oldest out): one more conditional write; int-c is still remembered.
    await noter.note({ integrationId: 'int-a' }, t0 + 1000);
    await noter.note({ integrationId: 'int-c' }, t0 + 1000);
    expect(writes.map((w) => w.integrationId)).toEqual(['int-a', 'int-b', 'int-c', 'int-a']);
  });

  it('does not remember a write that failed: the next delivery tries again', async () => {
    let fail = true;
    const writes: string[] = [];
    const noter = createWebhookActivityNoter({
      recordWebhookAt: async (_id, at) => {
        if (fail) throw new Error('throttled');
        writes.push(at);
      },
    });
    await expect(noter.note({ integrationId: 'int-a' }, t0)).rejects.toThrow('throttled');
    fail = false;
    expect(await noter.note({ integrationId: 'int-a' }, t0 + 1000)).toBe(true);
    expect(writes).toEqual([new Date(t0 + 1000).toISOString()]);
  });
});
