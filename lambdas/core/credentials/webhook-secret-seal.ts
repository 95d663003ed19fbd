/**
 * Webhook secrets stored before their ciphertexts carried `purpose: webhook-secret` in the
 * encryption context are bound to the integration id alone, like access tokens, so the webhook
 * Lambda (whose key grant requires that purpose) cannot decrypt them. The daily health check,
 * which may decrypt and encrypt any credential, re-seals them with the purpose: one KMS call for
 * a secret already sealed, three for one that is not.
 */
import type { Integration } from '../integrations/integration.js';
import {
  type IntegrationLifecycleRecords,
  type TokenCipher,
  WEBHOOK_SECRET_PURPOSE,
} from '../integrations/ports.js';
import type { Logger } from '../logger.js';

export interface WebhookSecretSealDeps {
  readonly cipher: TokenCipher;
  readonly records: Pick<IntegrationLifecycleRecords, 'resealWebhookSecret'>;
  readonly logger: Logger;
}

export interface SealSummary {
  readonly resealed: number;
  readonly failed: number;
}

/** Re-seals one integration's legacy webhook secret; true if it had to. */
const resealOne = async (integration: Integration, ciphertext: string, deps: WebhookSecretSealDeps) => {
  const { integrationId } = integration;
  try {
    await deps.cipher.decrypt(ciphertext, { integrationId, purpose: WEBHOOK_SECRET_PURPOSE });
    return false;
  } catch {
    // Not bound to the purpose (or KMS failed, and the legacy decrypt below fails too).
  }
  const secret = await deps.cipher.decrypt(ciphertext, { integrationId });
  const sealed = await deps.cipher.encrypt(secret, { integrationId, purpose: WEBHOOK_SECRET_PURPOSE });
  await deps.records.resealWebhookSecret(integrationId, ciphertext, sealed);
  return true;
};

export const resealWebhookSecrets = async (
  pages: AsyncIterable<readonly Integration[]>,
  deps: WebhookSecretSealDeps,
  options: { readonly shouldStop: () => boolean },
): Promise<SealSummary> => {
  let resealed = 0;
  let failed = 0;
  for await (const page of pages) {
    for (const integration of page) {
      if (options.shouldStop()) return { resealed, failed };
      const ciphertext = integration.encryptedWebhookSecret;
      if (ciphertext === undefined) continue;
      try {
        if (await resealOne(integration, ciphertext, deps)) resealed += 1;
      } catch (error) {
        failed += 1;
        // Ids only: the error of a KMS call never carries the plaintext, but say nothing of it anyway.
        deps.logger.warn('Webhook secret could not be re-sealed', {
          integrationId: integration.integrationId,
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }
  return { resealed, failed };
};
