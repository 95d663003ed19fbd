import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDueIntegrations } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '../../../lambdas/core/errors.js';
import { connectIntegration } from '../../../lambdas/core/integrations/connect.js';
import {
  describeIntegration,
  disconnectIntegration,
  listOrganizationIntegrations,
} from '../../../lambdas/core/integrations/manage.js';
import { runWebhookHealthCheck } from '../../../lambdas/core/integrations/webhook-health-check.js';
import { useTestTables } from '../../support/dynamo.js';
import { captureOutput, startWorld, WEBHOOK_URI, type World } from './world.js';

const tables = useTestTables();
let world: World;
const output = captureOutput();
/** Every secret handed to the system in this file: none may ever appear in a log line. */
const secrets: string[] = [];
let shopSeed = 100;

const newShop = (name: string, token = `shpat_${name}_${Math.random().toString(36).slice(2)}`) => {
  secrets.push(token);
  // Shopify customer ids are unique across shops; distinct seeds keep the simulator's so too.
  world.simulator.createShop({ shopDomain: `${name}.myshopify.com`, accessToken: token, seed: ++shopSeed });
  return { shopDomain: `${name}.myshopify.com`, token };
};

const connect = (body: Record<string, unknown>) => connectIntegration(body, world.lifecycle);

const topicsOf = (shopDomain: string) =>
  world.simulator
    .shop(shopDomain)
    .webhookSubscriptions()
    .map((s) => `${s.topic} ${s.uri}`)
    .sort();

const rawIntegrationItem = async (integrationId: string) =>
  (await world.doc.send(new GetCommand({ TableName: tables.names.Integrations, Key: { integrationId } })))
    .Item;

beforeAll(async () => {
  world = await startWorld(tables);
});
afterAll(async () => {
  await world.stop();
  output.restore();
});

describe('connecting a store', () => {
  it('stores the integration with its token encrypted, subscribes webhooks and queues the first sync', async () => {
    const { shopDomain, token } = newShop('alpha');
    const webhookSecret = 'whsec_alpha_custom';
    secrets.push(webhookSecret);

    const result = await connect({
      organizationId: 'org-a',
      shopDomain: 'ALPHA.myshopify.com',
      accessToken: token,
      webhookSecret,
    });

    expect(result.created).toBe(true);
    expect(result.integration).toMatchObject({
      organizationId: 'org-a',
      shopDomain,
      status: 'ACTIVE',
      hasCustomWebhookSecret: true,
    });
    expect(JSON.stringify(result)).not.toContain(token);
    expect(JSON.stringify(result)).not.toContain('encrypted');
    const item = await rawIntegrationItem(result.integration.integrationId);
    expect(item?.['encryptedAccessToken']).toEqual(expect.any(String));
    expect(JSON.stringify(item)).not.toContain(token);
    expect(JSON.stringify(item)).not.toContain(webhookSecret);
    expect(
      await world.lifecycle.cipher.decrypt(item!['encryptedAccessToken'], {
        integrationId: result.integration.integrationId,
      }),
    ).toBe(token);
    // The ciphertext is bound to its integration: under another id it does not decrypt.
    await expect(
      world.lifecycle.cipher.decrypt(item!['encryptedAccessToken'], { integrationId: 'someone-else' }),
    ).rejects.toThrow();

    expect(topicsOf(shopDomain)).toEqual(
      [
        ...[
          'APP_UNINSTALLED',
          'BULK_OPERATIONS_FINISH',
          'CUSTOMERS_CREATE',
          'CUSTOMERS_DELETE',
          'CUSTOMERS_UPDATE',
        ].map((t) => `${t} ${WEBHOOK_URI}`),
      ].sort(),
    );
    expect(world.queued).toContainEqual({
      integrationId: result.integration.integrationId,
      trigger: 'initial',
      runId: result.runId,
    });
    expect(item?.['webhookHealth']).toMatchObject({ healthy: true });
  });

  it('reconnecting the same organization and shop updates the credentials and reactivates, without a duplicate', async () => {
    const { shopDomain, token } = newShop('bravo');
    const first = await connect({ organizationId: 'org-b', shopDomain, accessToken: token });
    await world.lifecycle.integrations.setStatus(
      first.integration.integrationId,
      'NEEDS_ATTENTION',
      'SHOPIFY_UNAUTHORIZED',
    );
    const rotated = `shpat_bravo_rotated`;
    secrets.push(rotated);
    world.simulator.shop(shopDomain).setAccessToken(rotated);

    const second = await connect({ organizationId: 'org-b', shopDomain, accessToken: rotated });

    expect(second.created).toBe(false);
    expect(second.integration.integrationId).toBe(first.integration.integrationId);
    expect(second.integration.status).toBe('ACTIVE');
    expect(second.integration).not.toHaveProperty('statusReason');
    expect(await world.lifecycle.integrations.findByShopDomain(shopDomain)).toHaveLength(1);
    const item = await rawIntegrationItem(first.integration.integrationId);
    expect(
      await world.lifecycle.cipher.decrypt(item!['encryptedAccessToken'], {
        integrationId: first.integration.integrationId,
      }),
    ).toBe(rotated);
    // Still one subscription per topic (3 customer topics, uninstall, bulk finish): all in place.
    expect(topicsOf(shopDomain)).toHaveLength(5);
  });

  it('refuses a shop already connected by another organization with 409, also when both race', async () => {
    const { shopDomain, token } = newShop('charlie');
    const outcomes = await Promise.allSettled([
      connect({ organizationId: 'org-c1', shopDomain, accessToken: token }),
      connect({ organizationId: 'org-c2', shopDomain, accessToken: token }),
    ]);

    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConflictError);
    expect((rejected[0]!.reason as ConflictError).httpStatus).toBe(409);
    expect(await world.lifecycle.integrations.findByShopDomain(shopDomain)).toHaveLength(1);
  });

  it('answers 422 for a token Shopify refuses and stores nothing', async () => {
    const { shopDomain } = newShop('delta');
    const wrong = 'shpat_delta_wrong';
    secrets.push(wrong);

    const error = await connect({ organizationId: 'org-d', shopDomain, accessToken: wrong }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as UnprocessableError).httpStatus).toBe(422);
    expect((error as Error).message).toMatch(/HTTP 401/);
    expect((error as Error).message).not.toContain(wrong);
    expect(await world.lifecycle.integrations.findByShopDomain(shopDomain)).toEqual([]);
    expect(await rawIntegrationItem(`shop-claim#${shopDomain}`)).toBeUndefined();
    expect(world.simulator.shop(shopDomain).webhookSubscriptions()).toEqual([]);
  });

  it.each([
    ['a domain outside myshopify.com', { shopDomain: 'shop.example.com', accessToken: 'x' }],
    ['a domain starting with a dash', { shopDomain: '-shop.myshopify.com', accessToken: 'x' }],
    ['an empty token', { shopDomain: 'echo.myshopify.com', accessToken: '  ' }],
    ['an unknown field', { shopDomain: 'echo.myshopify.com', accessToken: 'x', extra: 1 }],
  ])('answers 400 for %s and calls nobody', async (_what, body) => {
    const requestsBefore = world.simulator.shops().reduce((n, shop) => n + shop.requests().length, 0);

    const error = await connect({ organizationId: 'org-e', ...body }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).httpStatus).toBe(400);
    expect(world.simulator.shops().reduce((n, shop) => n + shop.requests().length, 0)).toBe(requestsBefore);
  });
});

describe('managing integrations', () => {
  it('lists an organization’s integrations and describes one with customer counts by status', async () => {
    const { shopDomain, token } = newShop('foxtrot');
    const { integration } = await connect({ organizationId: 'org-f', shopDomain, accessToken: token });
    world.simulator.shop(shopDomain).setDelivery({ capture: true });
    const shop = world.simulator.shop(shopDomain);
    const created = [1, 2, 3].map((n) =>
      shop.resources.customers.create({ firstName: `F${n}`, email: `f${n}@example.com` }),
    );
    shop.resources.customers.delete(created[0]!.id);
    await world.deliverCaptured(shopDomain);

    const details = await describeIntegration(integration, world.lifecycle);
    const listed = await listOrganizationIntegrations('org-f', world.lifecycle.records);

    expect(details.recordCounts).toEqual({ customers: { ACTIVE: 2, INACTIVE: 1, REDACTED: 0 } });
    expect(details).not.toHaveProperty('encryptedAccessToken');
    expect(listed.map((i) => i.integrationId)).toEqual([integration.integrationId]);
    await expect(
      describeIntegration({ organizationId: 'org-f', integrationId: 'int_missing' }, world.lifecycle),
    ).rejects.toBeInstanceOf(NotFoundError);
    // Another organization's integration is not found either: not even its existence leaks.
    await expect(
      describeIntegration({ ...integration, organizationId: 'org-not-f' }, world.lifecycle),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("disconnecting deactivates, removes our webhook subscriptions (no one else's) and keeps the data", async () => {
    const { shopDomain, token } = newShop('golf');
    const { integration } = await connect({ organizationId: 'org-g', shopDomain, accessToken: token });
    const shop = world.simulator.shop(shopDomain);
    const foreign = shop.addWebhookSubscription(
      'CUSTOMERS_UPDATE',
      'https://other-app.example.test/hooks',
      'JSON',
      SHOPIFY_API_VERSION,
    );
    shop.setDelivery({ capture: true });
    shop.resources.customers.create({ firstName: 'Gina' });
    await world.deliverCaptured(shopDomain);

    const result = await disconnectIntegration(integration, { purge: false }, world.lifecycle);

    expect(result.integration.status).toBe('INACTIVE');
    expect(result.webhookSubscriptionsRemoved).toBe(5);
    expect(shop.webhookSubscriptions()).toEqual([foreign]);
    expect((await world.lifecycle.customers.countByStatus(integration.integrationId)).ACTIVE).toBe(1);
    // The data is still the organization's: another organization still cannot take the shop.
    await expect(
      connect({ organizationId: 'org-other', shopDomain, accessToken: token }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('disconnecting with purge deletes the store’s customers and credentials, and frees the shop', async () => {
    const { shopDomain, token } = newShop('hotel');
    const kept = newShop('hotel-neighbour');
    const { integration } = await connect({ organizationId: 'org-h', shopDomain, accessToken: token });
    const neighbour = await connect({
      organizationId: 'org-h',
      shopDomain: kept.shopDomain,
      accessToken: kept.token,
    });
    for (const domain of [shopDomain, kept.shopDomain]) {
      const shop = world.simulator.shop(domain);
      shop.setDelivery({ capture: true });
      for (let n = 0; n < 30; n += 1) shop.resources.customers.create({ firstName: `H${n}` });
      await world.deliverCaptured(domain);
    }

    const result = await disconnectIntegration(integration, { purge: true }, world.lifecycle);

    expect(result.purge).toEqual({ deleted: { customers: 30 }, complete: true });
    expect(await world.lifecycle.customers.countByStatus(integration.integrationId)).toEqual({
      ACTIVE: 0,
      INACTIVE: 0,
      REDACTED: 0,
    });
    expect((await world.lifecycle.customers.countByStatus(neighbour.integration.integrationId)).ACTIVE).toBe(
      30,
    );
    const item = await rawIntegrationItem(integration.integrationId);
    expect(item).not.toHaveProperty('encryptedAccessToken');
    expect(item?.['redactedAt']).toEqual(expect.any(String));
    const other = await connect({ organizationId: 'org-h2', shopDomain, accessToken: token });
    expect(other.integration.integrationId).not.toBe(integration.integrationId);
  });
});

describe('webhook health check', () => {
  it("re-creates deleted subscriptions, leaves other addresses' alone, and records what it repaired", async () => {
    const { shopDomain, token } = newShop('india');
    const healthy = newShop('juliet');
    const { integration } = await connect({ organizationId: 'org-i', shopDomain, accessToken: token });
    await connect({ organizationId: 'org-i', shopDomain: healthy.shopDomain, accessToken: healthy.token });
    const shop = world.simulator.shop(shopDomain);
    const [deleted, moved] = shop
      .webhookSubscriptions()
      .filter((s) => s.topic === 'CUSTOMERS_DELETE' || s.topic === 'APP_UNINSTALLED');
    shop.deleteWebhookSubscription(deleted!.id);
    shop.deleteWebhookSubscription(moved!.id);
    // Someone else's subscription on the same topic: not ours to move or delete.
    const foreign = shop.addWebhookSubscription(
      moved!.topic,
      'https://other-app.example.test/hooks',
      'JSON',
      SHOPIFY_API_VERSION,
    );

    const summary = await runWebhookHealthCheck(world.lifecycle);

    expect(summary.failed).toEqual([]);
    expect(summary.repaired).toEqual([
      {
        integrationId: integration.integrationId,
        shopDomain,
        actions: expect.arrayContaining([`${deleted!.topic}:create`, `${moved!.topic}:create`]),
      },
    ]);
    expect(topicsOf(shopDomain)).toEqual(
      [
        ...[
          'APP_UNINSTALLED',
          'BULK_OPERATIONS_FINISH',
          'CUSTOMERS_CREATE',
          'CUSTOMERS_DELETE',
          'CUSTOMERS_UPDATE',
        ].map((t) => `${t} ${WEBHOOK_URI}`),
        `${foreign.topic} ${foreign.uri}`,
      ].sort(),
    );
    expect((await rawIntegrationItem(integration.integrationId))?.['webhookHealth']).toMatchObject({
      healthy: true,
      repaired: expect.arrayContaining([`${deleted!.topic}:create`]),
    });
    expect(output.lines.join('')).toContain('Webhook subscriptions repaired');
  });
});

describe('app/uninstalled', () => {
  it('deactivates the integration so the fan-out no longer selects it', async () => {
    const { shopDomain, token } = newShop('kilo');
    const { integration } = await connect({ organizationId: 'org-k', shopDomain, accessToken: token });
    const due = async () => {
      const ids: string[] = [];
      for await (const page of createDueIntegrations(world.doc, tables.names.Integrations).pages(
        '9999-12-31T00:00:00.000Z',
      )) {
        ids.push(...page.map((item) => String((item as { integrationId: unknown }).integrationId)));
      }
      return ids;
    };
    expect(await due()).toContain(integration.integrationId);
    const shop = world.simulator.shop(shopDomain);
    shop.setDelivery({ capture: true });

    shop.uninstall();
    const [response] = await world.deliverCaptured(shopDomain);

    expect(response?.statusCode).toBe(200);
    await world.confirmUninstall(integration.integrationId);
    const item = await rawIntegrationItem(integration.integrationId);
    expect(item).toMatchObject({
      status: 'INACTIVE',
      statusReason: 'app-uninstalled',
      uninstalledAt: expect.any(String),
    });
    expect(await due()).not.toContain(integration.integrationId);
  });
});

describe('log hygiene', () => {
  it('never logged a token or webhook secret during this whole file', () => {
    const logged = output.lines.join('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logged).not.toContain(secret);
  });
});
