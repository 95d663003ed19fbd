/**
 * TokenRefresh (issue 18): refresh grants per store per day in steady state, with the real token
 * provider, the real DynamoDB credential store and the simulator's token endpoint over HTTP.
 *
 * A simulated day (the provider's clock is moved; Shopify's answers are real): an hourly sync
 * making calls for a few minutes from one of several warm containers, a daily health check from
 * another, and console actions now and then. Every caller asks the provider for a token as the
 * Admin client does before each request. The floor is 24 refreshes a day (60-minute tokens);
 * refreshing ahead of expiry and containers that each see a token near its end cost a little
 * more. Measured alongside: tokens spent twice (must be 0) and the ratio to the floor.
 */
import { randomUUID } from 'node:crypto';
import { createCredentialStore } from '../../lambdas/adapters/dynamodb/credential-store.js';
import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createOAuthClient } from '../../lambdas/adapters/shopify/oauth-client.js';
import { createTokenProvider } from '../../lambdas/core/credentials/token-provider.js';
import type { TokenCipher } from '../../lambdas/core/integrations/ports.js';
import { silentLogger } from '../../lambdas/core/logger.js';
import type { ShopifySimulator } from '../../local/shopify-simulator/index.js';
import { createBenchTables, progress } from '../support/environment.js';
import { type Figure, fixed } from '../support/figure.js';

/** The cipher is not what is measured. */
const plainCipher: TokenCipher = { encrypt: async (text) => text, decrypt: async (text) => text };

export async function tokenRefreshRate(context: {
  readonly simulator: ShopifySimulator;
  readonly dynamoEndpoint: string;
  readonly quick: boolean;
}): Promise<Figure> {
  const days = context.quick ? 1 : 3;
  const containers = 4;
  const tables = await createBenchTables(context.dynamoEndpoint, 't');
  try {
    const { simulator } = context;
    const shopDomain = `refresh-${randomUUID().slice(0, 8)}.myshopify.com`;
    const staticToken = `shpat_${randomUUID().replaceAll('-', '')}`;
    simulator.createShop({ shopDomain, accessToken: staticToken });
    // The clock the providers see: a day passes in seconds, while Shopify's own clock is real.
    let now = Date.now();
    const started = now;
    // Shopify's token expiry follows the providers' clock through its answer (expires_in).
    simulator.oauth.configure({ accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 90 * 86_400 });
    const integrationId = `int-${randomUUID()}`;
    const integration = { integrationId, organizationId: 'org-bench', shopDomain };
    await createIntegrationStore(tables.doc, tables.names.Integrations).put({
      ...integration,
      status: 'ACTIVE',
      encryptedAccessToken: staticToken,
      credentialKind: 'static',
      credentialVersion: 1,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    });
    const providers = Array.from({ length: containers }, () =>
      createTokenProvider({
        store: createCredentialStore(tables.doc, tables.names.Integrations),
        cipher: plainCipher,
        endpoint: createOAuthClient({
          clientId: simulator.oauth.settings.clientId,
          clientSecret: async () => simulator.appSecret,
          shopUrlTemplate: simulator.shopUrlTemplate,
        }),
        attention: { markNeedsAttention: async () => true },
        logger: silentLogger,
        distribution: 'public',
        now: () => now,
        sleep: async () => {},
      }),
    );
    const grantsAtStart = simulator.oauth.refreshGrants(shopDomain);
    const reusesAtStart = simulator.oauth.stats.refreshTokenReuses;
    let calls = 0;
    const minute = 60_000;
    // Migrates the static token first (a token exchange, not a refresh).
    await providers[0]!.source(integration).token();
    for (let t = 0; t < days * 24 * 60; t += 1) {
      now = started + t * minute;
      const hour = Math.floor(t / 60);
      const minuteOfHour = t % 60;
      const callers: number[] = [];
      // The hourly sync: a request every minute for its first 5 minutes, from a container of the day.
      if (minuteOfHour < 5) callers.push(hour % containers);
      // The daily health check, from another container.
      if (t % (24 * 60) === 2 * 60 + 17) callers.push((hour + 1) % containers);
      // Console actions: a shop-count now and then.
      if (t % 97 === 0) callers.push((hour + 2) % containers);
      for (const container of callers) {
        await providers[container]!.source(integration).token();
        calls += 1;
      }
    }
    const refreshes = simulator.oauth.refreshGrants(shopDomain) - grantsAtStart;
    const reuses = simulator.oauth.stats.refreshTokenReuses - reusesAtStart;
    const perDay = refreshes / days;
    const floor = 24;
    progress(`TokenRefresh: ${refreshes} refreshes over ${days} simulated day(s), ${calls} token requests`);
    return {
      id: 'TokenRefresh',
      title: 'Refresh grants per store per day (steady state, 60-minute tokens)',
      measured: `${fixed(perDay, 1)} refreshes/store/day (${fixed(perDay / floor, 2)}× the floor); ${reuses} refresh tokens spent twice`,
      baseline: `${floor}/day: one per token lifetime`,
      target: '≤ 1.25× the floor, 0 spent twice',
      pass: perDay / floor <= 1.25 && reuses === 0,
      data: { days, containers, refreshes, perDay, floor, ratio: perDay / floor, calls, reuses },
    };
  } finally {
    await tables.drop();
  }
}
