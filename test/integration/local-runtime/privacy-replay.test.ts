/**
 * Privacy and uninstall bodies are replayable by design (every shop/redact of a shop is the same
 * bytes), so their handlers decide from the state they find, never from a digest of the body. Run
 * through the local runtime's HTTP API with the real handlers, as the attacker did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import {
  type AttackWorld,
  type Tenant,
  captured,
  one,
  startAttackWorld,
} from '../../support/attack-world.js';

let world: AttackWorld;
let store: Tenant;
beforeEach(() => onTestFailed(() => console.error(world.log.slice(-60).join('\n'))));

const organizationId = 'org-replay';
const firstToken = 'shpat_replayfirst000000000000000';

beforeAll(async () => {
  world = await startAttackWorld('replay');
  const shop = world.runtime.shopify.simulator!.createShop({
    shopDomain: 'replay-store.myshopify.com',
    accessToken: firstToken,
    seedCustomers: 4,
    seedOrders: 6,
  });
  store = await world.connect({ organizationId, shop, accessToken: firstToken });
});
afterAll(() => world?.stop());

interface IntegrationView {
  status: string;
  statusReason?: string;
  uninstallClaimedAt?: string;
}
const integration = async (): Promise<IntegrationView> =>
  (await (
    await world.api(`/organizations/${organizationId}/integrations/${store.integrationId}`)
  ).json()) as IntegrationView;

const customers = async () =>
  (
    (await (await world.api(`/organizations/${organizationId}/customers?limit=100`)).json()) as {
      items: { shopifyId: string; status: string; email?: string | null }[];
    }
  ).items;
const activeCustomers = async () => (await customers()).filter((c) => c.status === 'ACTIVE').length;

const integrationItem = async () =>
  (world.runtime.tableNames && (await world.everything())['Integrations']!).find(
    (item) => (item as { integrationId: string }).integrationId === store.integrationId,
  ) as Record<string, unknown>;

/** The hourly fan-out, now; then waits for the queue to drain. */
const fanOut = async () => {
  await world.runtime.scheduler.fire('sync-schedule');
  await world.settle();
};

/** As if the replay guard's 7-day window had passed: no receipt of any body is left. */
const forgetEveryReceipt = async () => {
  const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
  for (const item of (await world.everything())['Idempotency']!)
    await world.doc.send(
      new DeleteCommand({
        TableName: world.runtime.tableNames.Idempotency,
        Key: { id: (item as { id: string }).id },
      }),
    );
};

const reconnect = async (shop: SimulatedShop, accessToken: string) => {
  shop.setAccessToken(accessToken);
  store = await world.connect({ organizationId, shop, accessToken });
};

describe('app/uninstalled and shop/redact replayed', () => {
  it('uninstall → reconnect → old pair replayed does nothing; uninstall again → shop/redact purges', async () => {
    const { shop } = store;
    const customersBefore = await activeCustomers();
    expect(customersBefore).toBe(4);

    // 1. A genuine uninstall: claimed at once, confirmed by Shopify's 401 at the next sync.
    const uninstalled = one(
      captured(shop, () => shop.uninstall()),
      'app/uninstalled',
    );
    expect((await world.send(uninstalled)).body).toMatchObject({ outcome: 'written' });
    expect(await integration()).toMatchObject({ status: 'ACTIVE', uninstallClaimedAt: expect.any(String) });
    await fanOut();
    expect(await integration()).toMatchObject({ status: 'INACTIVE', statusReason: 'app-uninstalled' });
    const redact = one(
      captured(shop, () => shop.requestCompliance('shop/redact')),
      'shop/redact',
    );

    // 2. The merchant installs the app again: a new token, the same store.
    await reconnect(shop, 'shpat_replaysecond00000000000000');
    expect(await integration()).toMatchObject({ status: 'ACTIVE' });
    expect(await activeCustomers()).toBe(customersBefore);

    // 3. Weeks later the captured pair is replayed (no receipt of it is left).
    await forgetEveryReceipt();
    expect((await world.send(uninstalled)).status).toBe(200);
    expect((await world.send(redact)).body).toMatchObject({ outcome: 'ignored' });
    await fanOut();
    const live = await integration();
    expect(live.status).toBe('ACTIVE');
    expect(live.uninstallClaimedAt).toBeUndefined();
    expect(await activeCustomers()).toBe(customersBefore);
    expect(await integrationItem()).toHaveProperty('encryptedAccessToken');

    // 4. A genuine second uninstall and its shop/redact, byte-identical to the first ones.
    const again = one(
      captured(shop, () => shop.uninstall()),
      'app/uninstalled',
    );
    expect(again.body).toBe(uninstalled.body);
    expect((await world.send(again)).body).toMatchObject({ outcome: 'written' });
    await fanOut();
    expect(await integration()).toMatchObject({ status: 'INACTIVE', statusReason: 'app-uninstalled' });
    const secondRedact = one(
      captured(shop, () => shop.requestCompliance('shop/redact')),
      'shop/redact',
    );
    expect(secondRedact.body).toBe(redact.body);
    expect((await world.send(secondRedact)).body).toMatchObject({ outcome: 'written' });
    expect(await customers()).toEqual([]);
    expect(await integrationItem()).not.toHaveProperty('encryptedAccessToken');
    // Shopify's retry of it changes nothing more.
    const before = await world.everything();
    expect((await world.send(secondRedact)).status).toBe(200);
    expect(await world.everything()).toEqual(before);
  });
});
