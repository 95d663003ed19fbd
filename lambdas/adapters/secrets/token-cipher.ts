/**
 * Encrypts credentials (Admin API tokens, per-integration webhook secrets) with KMS, bound to
 * their integration by the encryption context: a ciphertext copied onto another integration
 * fails to decrypt instead of authenticating the wrong store.
 *
 *   const cipher = createKmsTokenCipher({ keyId: process.env.TOKEN_KEY_ID })
 *   const ciphertext = await cipher.encrypt(token, { integrationId })   // base64
 *   const token = await cipher.decrypt(ciphertext, { integrationId })
 */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CipherContext } from '../../core/integrations/ports.js';

export type { CipherContext };

/** `purpose` only when given: access tokens stored before it existed keep decrypting. */
const encryptionContextOf = ({ integrationId, purpose }: CipherContext): Record<string, string> => ({
  integrationId,
  ...(purpose !== undefined && { purpose }),
});

export interface TokenCipher {
  encrypt(plaintext: string, context: CipherContext): Promise<string>;
  decrypt(ciphertext: string, context: CipherContext): Promise<string>;
}

export interface KmsTokenCipherOptions {
  readonly keyId: string;
  readonly client?: KMSClient;
}

export const createKmsTokenCipher = ({
  keyId,
  client = new KMSClient({}),
}: KmsTokenCipherOptions): TokenCipher => ({
  async encrypt(plaintext, context) {
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: encryptionContextOf(context),
      }),
    );
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return Buffer.from(CiphertextBlob).toString('base64');
  },
  async decrypt(ciphertext, context) {
    const { Plaintext } = await client.send(
      new DecryptCommand({
        // Pinning the key refuses ciphertexts made under any other key.
        KeyId: keyId,
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: encryptionContextOf(context),
      }),
    );
    if (!Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  },
});
