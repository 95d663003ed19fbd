/**
 * The scheduled migration of static (non-expiring) tokens in a public deployment: each active
 * store still holding one is exchanged for an expiring pair (token-provider.ts rule 5). Idempotent:
 * a store already migrated is skipped; an exchange whose answer was lost is asked again with the
 * same token, which Shopify answers alike for 7 days. Stores are also migrated on their next sync.
 */
import { credentialKindOf, type Integration } from '../integrations/integration.js';
import type { Logger } from '../logger.js';
import type { TokenProvider } from './token-provider.js';

export interface MigrationSummary {
  readonly migrated: number;
  readonly refused: number;
  readonly failed: number;
}

export const migrateStaticTokens = async (
  active: AsyncIterable<readonly Integration[]>,
  tokens: Pick<TokenProvider, 'migrate'>,
  logger: Logger,
  options: { readonly shouldStop?: () => boolean } = {},
): Promise<MigrationSummary> => {
  let migrated = 0;
  let refused = 0;
  let failed = 0;
  for await (const page of active) {
    for (const integration of page) {
      if (credentialKindOf(integration) !== 'static' || !integration.encryptedAccessToken) continue;
      if (options.shouldStop?.()) return { migrated, refused, failed };
      try {
        const outcome = await tokens.migrate(integration);
        if (outcome === 'migrated') migrated += 1;
        else if (outcome === 'refused') refused += 1;
      } catch (error) {
        failed += 1;
        logger.warn('Static token not migrated; the next run tries again', {
          integrationId: integration.integrationId,
          error: error instanceof Error ? error.name : 'Error',
        });
      }
    }
  }
  if (migrated + refused + failed > 0) logger.info('Static tokens migrated', { migrated, refused, failed });
  return { migrated, refused, failed };
};
