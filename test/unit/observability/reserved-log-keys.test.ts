import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { type Logger, type LogFields, reservedLogKeys } from '../../../lambdas/core/logger.js';
import { createTopicRegistry, defineTopic } from '../../../lambdas/core/webhooks/topic-registry.js';
import { createWebhookHandler } from '../../../lambdas/handlers/webhook.js';
import { appUninstalledPayloadSchema } from '../../../lambdas/shopify/compliance-payloads.js';
import { webhookEvent } from '../../support/webhook-delivery.js';

/** The list Powertools itself checks against (not exported by the package, so read from its build). */
const installedReservedKeys = async (): Promise<string[]> => {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@aws-lambda-powertools/logger');
  const root = entry.slice(0, entry.lastIndexOf(`${path.sep}lib${path.sep}`));
  const constants = (await import(pathToFileURL(path.join(root, 'lib/esm/constants.js')).href)) as {
    ReservedKeys: string[];
  };
  return constants.ReservedKeys;
};

describe('reserved Powertools log keys', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the Logger port refuses exactly the keys the installed Powertools reserves', async () => {
    expect([...reservedLogKeys].sort()).toEqual([...(await installedReservedKeys())].sort());
  });

  it('a reserved key in a log call does not compile (npm run typecheck checks these lines)', () => {
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    // @ts-expect-error -- `message` belongs to Powertools
    logger.warn('rejected', { message: 'bad hmac' });
    // @ts-expect-error -- so does `level`, also when spread in from a typed object
    logger.info('done', { ...{ level: 3 } });
    // @ts-expect-error -- and `timestamp` in keys appended to every line
    logger.appendKeys?.({ timestamp: 'now' });
    const fine: LogFields = { detail: 'bad hmac', reason: 'signature' };
    logger.warn('rejected', fine);
    expect(fine.detail).toBe('bad hmac');
  });

  it('a rejected webhook is logged with its reason, and Powertools drops nothing', async () => {
    const integration: Integration = {
      integrationId: 'int-1',
      organizationId: 'org-1',
      shopDomain: 'shop-1.myshopify.com',
      shopifyShopId: 'gid://shopify/Shop/1',
      status: 'ACTIVE',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const written: string[] = [];
    // Powertools writes through its own Console, past vitest's console capture: INFO to stdout, WARN to stderr.
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    const handle = createWebhookHandler({
      integrations: {
        findByShopDomain: async () => [integration],
        ownWebhookSecretsInUse: async () => false,
      },
      secrets: { appSecrets: async () => ['app-secret'], integrationSecret: async () => undefined },
      processed: { has: async () => false, add: async () => undefined },
      topics: createTopicRegistry({
        'app/uninstalled': defineTopic({
          payload: appUninstalledPayloadSchema,
          signedShop: (shop) => ({ domain: shop.myshopify_domain, id: shop.id }),
          servesInactiveIntegrations: true,
          handle: async () => ({ outcome: 'written' }),
        }),
      }),
      logger: new PowertoolsLogger({ serviceName: 'reserved-keys-test', logLevel: 'INFO' }),
    });

    const answer = await handle(
      webhookEvent({
        secret: 'not-the-app-secret',
        shop: integration.shopDomain,
        topic: 'app/uninstalled',
        body: '{"id":1,"myshopify_domain":"shop-1.myshopify.com","domain":"shop-1.myshopify.com"}',
      }),
    );
    vi.restoreAllMocks();

    expect(answer).toMatchObject({ statusCode: 401 });
    const lines = written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => String(line.message).includes('reserved key'))).toEqual([]);
    const rejection = lines.find((line) => line.message === 'webhook rejected');
    expect(rejection).toMatchObject({ level: 'WARN', outcome: 'rejected' });
    expect(rejection?.detail).toEqual(expect.any(String));
    expect(String(rejection?.detail).length).toBeGreaterThan(0);
  });
});
