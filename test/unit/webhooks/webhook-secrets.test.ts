// No Secrets Manager or KMS emulator runs in unit tests, so their SDK clients are stubbed here;
// the cipher contract itself is exercised end to end by the integration tests' local cipher.
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createKmsTokenCipher } from '../../../lambdas/adapters/secrets/token-cipher.js';
import { appSecretsOf, createWebhookSecrets } from '../../../lambdas/adapters/secrets/webhook-secrets.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';

const integration = { integrationId: 'int-9', encryptedWebhookSecret: 'Y2lwaGVy' } as Integration;

describe('webhook secrets', () => {
  it('reads the app secret once and reuses it (no Secrets Manager call on the hot path)', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'app-secret' });
    const secrets = createWebhookSecrets({
      appSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:app',
      cipher: createKmsTokenCipher({ keyId: 'k', client: new KMSClient({ region: 'us-east-1' }) }),
      secretsClient: new SecretsManagerClient({ region: 'us-east-1' }),
    });
    expect(await secrets.appSecrets()).toEqual(['app-secret']);
    expect(await secrets.appSecrets()).toEqual(['app-secret']);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    sm.restore();
  });

  it('reads a rotating secret as {current, previous}, current first, and names no value in errors', () => {
    expect(appSecretsOf('plain')).toEqual(['plain']);
    expect(appSecretsOf('{"current":"new","previous":"old"}')).toEqual(['new', 'old']);
    expect(appSecretsOf('{"current":"only"}')).toEqual(['only']);
    for (const bad of [
      '',
      '{"current":""}',
      '{"previous":"leak-me"}',
      '{"current":"a","extra":"leak-me"}',
      '{oops',
    ]) {
      expect(() => appSecretsOf(bad)).toThrow(/APP_SECRET_ARN/);
      try {
        appSecretsOf(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain('leak-me');
      }
    }
  });

  it("decrypts an integration's own secret under its integration id, once per ciphertext", async () => {
    const kms = mockClient(KMSClient);
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('own-secret') });
    const secrets = createWebhookSecrets({
      appSecretArn: 'arn',
      cipher: createKmsTokenCipher({ keyId: 'key-1', client: new KMSClient({ region: 'us-east-1' }) }),
      secretsClient: new SecretsManagerClient({ region: 'us-east-1' }),
    });
    expect(await secrets.integrationSecret(integration)).toBe('own-secret');
    expect(await secrets.integrationSecret(integration)).toBe('own-secret');
    expect(
      await secrets.integrationSecret({ ...integration, encryptedWebhookSecret: undefined }),
    ).toBeUndefined();
    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      KeyId: 'key-1',
      EncryptionContext: { integrationId: 'int-9' },
    });
    kms.restore();
  });

  it('keeps at most maxIntegrationSecrets decrypted secrets, least recently used out', async () => {
    const decrypted: string[] = [];
    const secrets = createWebhookSecrets({
      appSecretArn: 'arn',
      cipher: {
        encrypt: async () => 'unused',
        decrypt: async (ciphertext) => {
          decrypted.push(ciphertext);
          return `plain-${ciphertext}`;
        },
      },
      secretsClient: new SecretsManagerClient({ region: 'us-east-1' }),
      maxIntegrationSecrets: 2,
    });
    const own = (id: string) => ({ integrationId: id, encryptedWebhookSecret: `c-${id}` }) as Integration;
    for (const id of ['a', 'b', 'a', 'c'])
      expect(await secrets.integrationSecret(own(id))).toBe(`plain-c-${id}`);
    // 'b' was the least recently used when 'c' came: it is decrypted again; 'a' and 'c' are not.
    for (const id of ['a', 'c', 'b']) await secrets.integrationSecret(own(id));
    expect(decrypted).toEqual(['c-a', 'c-b', 'c-c', 'c-b']);
  });

  it('encrypts with the integration id as encryption context', async () => {
    const kms = mockClient(KMSClient);
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('blob') });
    const cipher = createKmsTokenCipher({ keyId: 'key-1', client: new KMSClient({ region: 'us-east-1' }) });
    expect(await cipher.encrypt('token', { integrationId: 'int-9' })).toBe(
      Buffer.from('blob').toString('base64'),
    );
    expect(kms.commandCalls(EncryptCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'key-1',
      EncryptionContext: { integrationId: 'int-9' },
    });
    kms.restore();
  });
});
