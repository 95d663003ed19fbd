/**
 * A store's own webhook secret is sealed with `purpose: webhook-secret` in its KMS encryption
 * context: the only ciphertexts the webhook Lambda's key grant lets it decrypt (access tokens carry
 * no purpose). A secret stored before that is re-sealed by the health check, after which its
 * deliveries verify again. Through the local runtime, whose KMS enforces the context as AWS does.
 */
import { createHmac } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { WEBHOOK_SECRET_PURPOSE } from '../../../lambdas/core/integrations/ports.js';
import { createKmsTokenCipher } from '../../../lambdas/adapters/secrets/token-cipher.js';
import type { SimulatedShop } from '../../../local/shopify-simulator/shop.js';
import { type AttackWorld, captured, one, startAttackWorld } from '../../support/attack-world.js';

let world: AttackWorld;
const webhookSecret = 'whsec_own_secret_of_this_store';
beforeEach(() => onTestFailed(() => console.error(world.log.slice(-30).join('\n'))));

interface OwnSecretStore {
  readonly shop: SimulatedShop;
  readonly integrationId: string;
}

/** A store connected with its own webhook secret (as a Dev Dashboard app's client secret is). */
const connectWithOwnSecret = async (name: string): Promise<OwnSecretStore> => {
  const accessToken = `shpat_${name.padEnd(26, '0')}`;
  const shop = world.runtime.shopify.simulator!.createShop({
    shopDomain: `${name}.myshopify.com`,
    accessToken,
    seedCustomers: 1,
  });
  shop.setDelivery({ capture: true });
  const response = await world.api('/organizations/org-sealed/integrations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ shopDomain: shop.domain, accessToken, webhookSecret }),
  });
  expect(response.status).toBe(201);
  const { integration } = (await response.json()) as { integration: { integrationId: string } };
  return { shop, integrationId: integration.integrationId };
};

let sealed: OwnSecretStore;
let stale: OwnSecretStore;
let resealed: OwnSecretStore;
beforeAll(async () => {
  world = await startAttackWorld('sealed');
  sealed = await connectWithOwnSecret('sealed-store');
  stale = await connectWithOwnSecret('stale-store');
  resealed = await connectWithOwnSecret('resealed-store');
  await world.settle();
});
afterAll(() => world?.stop());

const cipher = () =>
  createKmsTokenCipher({
    keyId: world.runtime.lambdaEnv['TOKEN_KEY_ID']!,
    client: new KMSClient({
      endpoint: world.runtime.awsEndpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
const storedSecret = async ({ integrationId }: OwnSecretStore) =>
  (
    await world.doc.send(
      new GetCommand({
        TableName: world.runtime.tableNames.Integrations,
        Key: { integrationId },
        ConsistentRead: true,
      }),
    )
  ).Item!['encryptedWebhookSecret'] as string;

/** Stores a ciphertext as a deployment before purposes wrote it: bound to the integration alone. */
const storeLegacySecret = async ({ integrationId }: OwnSecretStore) => {
  const legacy = await cipher().encrypt(webhookSecret, { integrationId });
  await world.doc.send(
    new UpdateCommand({
      TableName: world.runtime.tableNames.Integrations,
      Key: { integrationId },
      UpdateExpression: 'SET encryptedWebhookSecret = :legacy',
      ExpressionAttributeValues: { ':legacy': legacy },
    }),
  );
  return legacy;
};

/** A genuine customers/update body, signed with the store's own secret as Shopify would. */
const sendOwnSigned = async ({ shop }: OwnSecretStore) => {
  const delivery = one(
    captured(shop, () => {
      shop.resources.customers.update(shop.resources.customers.list()[0]!.id, {
        firstName: `Name ${Date.now()}`,
      });
    }),
    'customers/update',
  );
  const hmacHeader = Object.keys(delivery.headers).find((k) => k.toLowerCase() === 'x-shopify-hmac-sha256')!;
  const signature = createHmac('sha256', webhookSecret).update(delivery.body).digest('base64');
  return (await world.send(delivery, { [hmacHeader]: signature })).status;
};

describe("a store's own webhook secret", () => {
  it('is sealed for its purpose: it decrypts with it, not without; its deliveries verify', async () => {
    const ciphertext = await storedSecret(sealed);
    const { integrationId } = sealed;
    await expect(
      cipher().decrypt(ciphertext, { integrationId, purpose: WEBHOOK_SECRET_PURPOSE }),
    ).resolves.toBe(webhookSecret);
    // Without the purpose it is as undecryptable as to anyone holding only an access token's grant.
    await expect(cipher().decrypt(ciphertext, { integrationId })).rejects.toThrow();
    expect(await sendOwnSigned(sealed)).toBe(200);
  });

  it('stored before purposes existed, the webhook path cannot use it until the health check re-seals it', async () => {
    // The webhook Lambda asks for the purpose, which the legacy ciphertext was not bound to.
    await storeLegacySecret(stale);
    expect(await sendOwnSigned(stale)).not.toBe(200);

    const legacy = await storeLegacySecret(resealed);
    await world.runtime.scheduler.fire('health-check-schedule');
    const now = await storedSecret(resealed);
    expect(now).not.toBe(legacy);
    await expect(
      cipher().decrypt(now, { integrationId: resealed.integrationId, purpose: WEBHOOK_SECRET_PURPOSE }),
    ).resolves.toBe(webhookSecret);
    // Its first delivery after the re-seal verifies.
    expect(await sendOwnSigned(resealed)).toBe(200);
  });
});
