import { describe, expect, it } from 'vitest';
import { createSyncRunStore } from '../../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createWebhookDeliveryCounts } from '../../../lambdas/adapters/dynamodb/webhook-delivery-counts.js';
import { hourOf } from '../../../lambdas/core/webhooks/delivery-counts.js';
import { customerBody, webhookEvent } from '../../support/webhook-delivery.js';
import { APP_SECRET, B_SECRET, RECEIVED_AT, newCustomerId, useWebhookFixture } from './fixture.js';

const f = useWebhookFixture();
const counts = () => createWebhookDeliveryCounts(f.tables.doc, f.tables.names.SyncRuns);
const hour = hourOf(Date.parse(RECEIVED_AT));

const delivery = (id: string, secret = APP_SECRET, shop = f.shopA) =>
  webhookEvent({
    secret,
    shop,
    topic: 'customers/update',
    body: customerBody({ id, updatedAt: '2026-03-01T10:00:00-05:00' }),
    triggeredAt: '2026-03-01T23:59:00Z',
  });

describe('hourly webhook delivery counters', () => {
  it("count a verified delivery in its store's UTC hour, and nothing unverified", async () => {
    expect((await f.handle(delivery(newCustomerId()))).statusCode).toBe(200);
    // Signed with another secret: refused before anything is counted.
    expect((await f.handle(delivery(newCustomerId(), 'not-the-secret'))).statusCode).toBe(401);
    expect((await f.handle(delivery(newCustomerId(), B_SECRET, f.shopB))).statusCode).toBe(200);

    expect(await counts().hoursSince('int-a', hour)).toEqual([{ hour, deliveries: 1 }]);
    expect(await counts().hoursSince('int-b', hour)).toEqual([{ hour, deliveries: 1 }]);
    expect(await counts().hoursSince('int-c', hour)).toEqual([]);
  });

  it('stay out of the run history that shares their table', async () => {
    const runs = createSyncRunStore(f.tables.doc, f.tables.names.SyncRuns);
    expect((await runs.list('int-a', { limit: 100 })).items).toEqual([]);
  });

  it('add up across writers, and read only the hours asked for', async () => {
    const store = counts();
    await store.addDeliveries('int-x', '2026-03-01T10:00:00.000Z', 4);
    await Promise.all([
      store.addDeliveries('int-x', '2026-03-01T11:00:00.000Z', 2),
      store.addDeliveries('int-x', '2026-03-01T11:00:00.000Z', 3),
    ]);
    expect(await store.hoursSince('int-x', '2026-03-01T11:00:00.000Z')).toEqual([
      { hour: '2026-03-01T11:00:00.000Z', deliveries: 5 },
    ]);
  });
});
