/**
 * Where webhook HMAC secrets come from: the app's client secret in Secrets Manager
 * (APP_SECRET_ARN), overridden by an integration's own KMS-encrypted secret when it has one.
 *
 * The app secret is either the plain client secret or, to rotate it without downtime,
 * `{"current": "<new>", "previous": "<old>"}`: a body signed with either verifies (docs: README,
 * "Rotating the app secret").
 * Both are cached per container so the 5 s delivery deadline never waits on Secrets Manager or
 * KMS after the first call; the per-integration cache is keyed on the ciphertext, so rotating a
 * secret takes effect at once.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import type { Integration } from '../../core/integrations/integration.js';
import { WEBHOOK_SECRET_PURPOSE } from '../../core/integrations/ports.js';
import type { WebhookSecrets } from '../../core/webhooks/authenticate.js';
import type { TokenCipher } from './token-cipher.js';

export interface WebhookSecretsOptions {
  readonly appSecretArn: string;
  readonly cipher: TokenCipher;
  readonly secretsClient?: SecretsManagerClient;
  /** How long the app secret is reused before Secrets Manager is asked again. */
  readonly maxAgeSeconds?: number;
  /** How many decrypted per-integration secrets a container keeps (least recently used out). */
  readonly maxIntegrationSecrets?: number;
}

const nonEmpty = z.string().min(1);
const rotatingSecret = z.strictObject({ current: nonEmpty, previous: nonEmpty.optional() });

/** The secret's value → the secrets to try, current first. A plain string is the only secret. */
export const appSecretsOf = (value: unknown): readonly string[] => {
  if (typeof value !== 'string' || value.length === 0)
    throw new Error('The app secret (APP_SECRET_ARN) must be a non-empty SecretString');
  if (!value.trimStart().startsWith('{')) return [value];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error('The app secret (APP_SECRET_ARN) looks like JSON but does not parse');
  }
  const result = rotatingSecret.safeParse(parsed);
  // The error names the shape, never the values.
  if (!result.success)
    throw new Error('The app secret (APP_SECRET_ARN) must be a string or {"current": "…", "previous"?: "…"}');
  return result.data.previous ? [result.data.current, result.data.previous] : [result.data.current];
};

export const createWebhookSecrets = ({
  appSecretArn,
  cipher,
  secretsClient = new SecretsManagerClient({}),
  maxAgeSeconds = 300,
  maxIntegrationSecrets = 1_000,
}: WebhookSecretsOptions): WebhookSecrets => {
  const provider = new SecretsProvider({ awsSdkV3Client: secretsClient });
  const decrypted = new Map<string, Promise<string>>();

  return {
    async appSecrets() {
      return appSecretsOf(await provider.get(appSecretArn, { maxAge: maxAgeSeconds }));
    },
    async integrationSecret(integration: Integration) {
      const ciphertext = integration.encryptedWebhookSecret;
      if (ciphertext === undefined) return undefined;
      const cacheKey = `${integration.integrationId}\u0000${ciphertext}`;
      let secret = decrypted.get(cacheKey);
      if (!secret) {
        secret = cipher.decrypt(ciphertext, {
          integrationId: integration.integrationId,
          purpose: WEBHOOK_SECRET_PURPOSE,
        });
        // A failed decrypt is not cached: the next delivery tries again.
        secret.catch(() => decrypted.delete(cacheKey));
      }
      // Re-inserted: Map order is the recency order. Bounded, because a rotated secret leaves its
      // old ciphertext's entry behind and a warm container may serve many stores.
      decrypted.delete(cacheKey);
      decrypted.set(cacheKey, secret);
      if (decrypted.size > maxIntegrationSecrets) decrypted.delete(decrypted.keys().next().value!);
      return secret;
    },
  };
};
