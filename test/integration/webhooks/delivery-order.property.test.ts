/**
 * Property: whatever Shopify does with delivery (any order, duplicates, drops later redelivered),
 * the table ends equal to the newest state of every customer.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerBody, deleteBody, webhookEvent } from '../../support/webhook-delivery.js';
import { APP_SECRET, newCustomerId, useWebhookFixture } from './fixture.js';

const f = useWebhookFixture();

interface HistoryShape {
  readonly names: readonly string[]; // first is the create, the rest updates
  readonly deleted: boolean;
}

const historyArb: fc.Arbitrary<HistoryShape> = fc.record({
  names: fc.array(fc.constantFrom('Ada', 'Grace', 'Edsger', 'Barbara', 'Frances'), {
    minLength: 1,
    maxLength: 4,
  }),
  deleted: fc.boolean(),
});

const scenarioArb = fc.array(historyArb, { minLength: 1, maxLength: 3 }).chain((histories) => {
  const count = histories.reduce((n, h) => n + h.names.length + (h.deleted ? 1 : 0), 0);
  return fc.record({
    histories: fc.constant(histories),
    order: fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }),
    duplicated: fc.subarray([...Array(count).keys()]),
    dropped: fc.subarray([...Array(count).keys()]),
  });
});

// Within the 48 h before the fixture's time of receipt, so X-Shopify-Triggered-At is kept as sent.
const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 12, minutes)).toISOString();

describe('delivery order property', () => {
  it('random order, duplicates and drops (then redelivered) always converge on the newest state', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ histories, order, duplicated, dropped }) => {
        const expected = new Map<string, { firstName: string; updatedAt: string; deletedAt?: string }>();
        const events = histories.flatMap((history) => {
          const id = newCustomerId();
          const list = history.names.map((name, i) =>
            webhookEvent({
              secret: APP_SECRET,
              shop: f.shopA,
              topic: i === 0 ? 'customers/create' : 'customers/update',
              body: customerBody({ id, updatedAt: at(i), firstName: name }),
              webhookId: randomUUID(),
            }),
          );
          const last = history.names.length - 1;
          const newest = { firstName: history.names[last]!, updatedAt: at(last) };
          if (history.deleted) {
            const deletedAt = at(last + 1);
            list.push(
              webhookEvent({
                secret: APP_SECRET,
                shop: f.shopA,
                topic: 'customers/delete',
                body: deleteBody(id),
                triggeredAt: deletedAt,
              }),
            );
            expected.set(id, { ...newest, deletedAt });
          } else expected.set(id, newest);
          return list;
        });

        const firstPass = order.filter((i) => !dropped.includes(i));
        const deliveries = [...firstPass, ...duplicated, ...dropped].map((i) => events[i]!);
        for (const event of deliveries) expect((await f.handle(event)).statusCode).toBe(200);

        for (const [id, want] of expected) {
          const item = await f.store.get('org-a', id);
          expect(item).toMatchObject({
            firstName: want.firstName,
            shopifyUpdatedAt: want.updatedAt,
            createdAt: '2026-01-01T14:00:00.000Z',
            status: want.deletedAt ? 'INACTIVE' : 'ACTIVE',
          });
          expect(item?.deletedAt).toBe(want.deletedAt);
        }
      }),
      { numRuns: 12 },
    );
  });
});
