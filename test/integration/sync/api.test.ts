import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { createApiHandler } from '../../../lambdas/handlers/api.js';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import { apiGatewayEventFor } from '../../../local/http-api.js';
import { useTestTables } from '../../support/dynamo.js';
import { CapturingQueue, fakeContext } from './harness.js';

const tables = useTestTables();

/** What API Gateway hands the api Lambda for this request: its route key and path parameters. */
const event = (method: string, path: string, query: Record<string, string> = {}) => {
  const rawQueryString = new URLSearchParams(query).toString();
  return apiGatewayEventFor(apiRoutes, { method, url: rawQueryString ? `${path}?${rawQueryString}` : path });
};

function setup() {
  const integrations = createIntegrationStore(tables.doc, tables.names.Integrations);
  const runs = createSyncRunStore(tables.doc, tables.names.SyncRuns);
  const state = createSyncStateStore(tables.doc, tables.names.Integrations);
  const queue = new CapturingQueue();
  const api = createApiHandler({
    sync: { integrations, runs, state, queue, config: { minSyncIntervalMinutes: 30, runRetentionDays: 90 } },
    logger: silentLogger,
  });
  const call = async (method: string, path: string, query?: Record<string, string>) => {
    const request = event(method, path, query);
    // No route matched: API Gateway answers 404 itself, without invoking the function.
    if (!request) return { status: 404, body: { message: 'Not Found' } };
    const result = await api(request, fakeContext());
    return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
  };
  const add = async (overrides: Partial<Integration> = {}) => {
    const integration: Integration = {
      integrationId: `int-${randomUUID().slice(0, 8)}`,
      organizationId: 'org-1',
      shopDomain: `${randomUUID().slice(0, 8)}.myshopify.com`,
      status: 'ACTIVE',
      encryptedAccessToken: 'enc:x',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      ...overrides,
    };
    await integrations.put(integration);
    return integration;
  };
  return { call, add, queue, runs, state };
}

describe('POST /organizations/{organizationId}/integrations/{integrationId}/sync', () => {
  it('records a queued run, enqueues it and answers 202 with its id', async () => {
    const { call, add, queue, runs } = setup();
    const { integrationId } = await add();
    const { status, body } = await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`);
    expect(status).toBe(202);
    expect(body).toEqual({ status: 'queued', runId: expect.stringMatching(/^[0-9A-Z]{26}$/) });
    expect(queue.sent).toEqual([{ integrationId, trigger: 'manual', runId: body.runId }]);
    expect(await runs.get(integrationId, body.runId)).toMatchObject({ status: 'queued', trigger: 'manual' });
  });

  it('answers 200 skipped within the minimum interval, and 202 with force=true', async () => {
    const { call, add, queue } = setup();
    const { integrationId } = await add({
      lastSuccessfulSyncAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const skipped = await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`);
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({
      status: 'skipped',
      reason: 'RECENTLY_SYNCED',
      nextEligibleAt: expect.any(String),
    });
    expect(queue.sent).toEqual([]);
    const forced = await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`, {
      force: 'true',
    });
    expect(forced.status).toBe(202);
    expect(queue.sent).toHaveLength(1);
  });

  it('answers 404 for an unknown integration, 409 for an inactive one and 409 while a sync runs', async () => {
    const { call, add, state, queue } = setup();
    expect((await call('POST', '/organizations/org-1/integrations/int-missing/sync')).status).toBe(404);
    const inactive = await add({ status: 'NEEDS_ATTENTION', statusReason: 'SHOPIFY_UNAUTHORIZED' });
    const refused = await call('POST', `/organizations/org-1/integrations/${inactive.integrationId}/sync`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'INTEGRATION_NOT_ACTIVE' } } });
    expect(refused.body.error.message).toContain('SHOPIFY_UNAUTHORIZED');
    const busy = await add();
    const now = new Date().toISOString();
    await state.acquireLease(
      busy.integrationId,
      '01JRXNNNNGRXN0000000000000',
      'another-worker',
      now,
      new Date(Date.now() + 60_000).toISOString(),
    );
    const conflict = await call('POST', `/organizations/org-1/integrations/${busy.integrationId}/sync`, {
      force: 'true',
    });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: 'SYNC_IN_PROGRESS' } } });
    expect(queue.sent).toEqual([]);
  });

  it('rejects a malformed query parameter with 400', async () => {
    const { call, add } = setup();
    const { integrationId } = await add();
    const { status, body } = await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`, {
      force: 'yes',
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET sync runs', () => {
  it('lists runs newest first with an opaque cursor and reads one run', async () => {
    const { call, add } = setup();
    const { integrationId } = await add();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`, { force: 'true' }))
          .body.runId,
      );
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct milliseconds → strictly ordered ids
    }
    const first = await call('GET', `/organizations/org-1/integrations/${integrationId}/sync-runs`, {
      limit: '3',
    });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { runId: string }) => r.runId)).toEqual(ids.slice(2).reverse());
    expect(first.body.items[0]).not.toHaveProperty('expiresAt');
    const second = await call('GET', `/organizations/org-1/integrations/${integrationId}/sync-runs`, {
      limit: '3',
      cursor: first.body.nextCursor,
    });
    expect(second.body.items.map((r: { runId: string }) => r.runId)).toEqual(ids.slice(0, 2).reverse());
    expect(second.body.nextCursor).toBeNull();

    const one = await call('GET', `/organizations/org-1/integrations/${integrationId}/sync-runs/${ids[0]}`);
    expect(one).toMatchObject({ status: 200, body: { runId: ids[0], status: 'queued', trigger: 'manual' } });
    expect(
      (
        await call(
          'GET',
          `/organizations/org-1/integrations/${integrationId}/sync-runs/01JN0SXCHRXN00000000000000`,
        )
      ).status,
    ).toBe(404);
  });

  it('rejects a forged cursor and an out-of-range limit with 400', async () => {
    const { call, add } = setup();
    const { integrationId } = await add();
    const other = Buffer.from(JSON.stringify({ integrationId: 'someone-else', runId: 'X' })).toString(
      'base64url',
    );
    expect(
      (await call('GET', `/organizations/org-1/integrations/${integrationId}/sync-runs`, { cursor: other }))
        .status,
    ).toBe(400);
    expect(
      (await call('GET', `/organizations/org-1/integrations/${integrationId}/sync-runs`, { limit: '1000' }))
        .status,
    ).toBe(400);
    expect((await call('GET', '/organizations/org-1/integrations/int-missing/sync-runs')).status).toBe(404);
  });
});

describe('tenancy: integration routes are scoped by the organization in the path', () => {
  it("another organization's integration is a 404 on every sync route, and nothing is enqueued", async () => {
    const { call, add, queue } = setup();
    const { integrationId } = await add();
    const [runId] = [
      (await call('POST', `/organizations/org-1/integrations/${integrationId}/sync`)).body.runId,
    ];
    const sent = queue.sent.length;
    const foreign = `/organizations/org-2/integrations/${integrationId}`;

    expect((await call('POST', `${foreign}/sync`, { force: 'true' })).status).toBe(404);
    expect((await call('GET', `${foreign}/sync-runs`)).status).toBe(404);
    expect((await call('GET', `${foreign}/sync-runs/${runId}`)).status).toBe(404);
    expect(queue.sent).toHaveLength(sent);
  });

  it('the old un-nested routes are gone, and bookkeeping items are not integrations', async () => {
    const { call, add } = setup();
    const { integrationId } = await add();
    expect((await call('POST', `/integrations/${integrationId}/sync`)).status).toBe(404);
    expect((await call('GET', `/integrations/${integrationId}/sync-runs`)).status).toBe(404);
    for (const key of ['purges#pending', 'shop-claim#a.myshopify.com', 'pending-purges']) {
      const path = `/organizations/org-1/integrations/${encodeURIComponent(key)}/sync-runs`;
      expect([400, 404]).toContain((await call('GET', path)).status);
    }
  });
});
