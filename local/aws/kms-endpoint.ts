import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AwsJsonService, AwsServiceError, parseInput } from './json-protocol.js';
import { localAccountId, localRegion } from './local-identity.js';

export interface LocalKms {
  readonly service: AwsJsonService;
  /** Creates a symmetric key with fresh random material; returns its ARN (what `TOKEN_KEY_ID` holds). */
  createKey(alias?: string): string;
}

/**
 * Ciphertext layout: magic | key uuid (16 bytes) | IV (12) | GCM tag (16) | ciphertext. The key id
 * travels inside the blob so Decrypt works without a KeyId, as in AWS.
 */
const magic = Buffer.from('LKMS1');
const headerLength = magic.length + 16 + 12 + 16;

const base64Blob = z.base64().transform((value) => Buffer.from(value, 'base64'));
const encryptionContext = z.record(z.string(), z.string()).optional();

const encryptInput = z.object({
  KeyId: z.string().min(1),
  Plaintext: base64Blob.refine(
    (b) => b.length >= 1 && b.length <= 4096,
    'Member must have length between 1 and 4096',
  ),
  EncryptionContext: encryptionContext,
});
const decryptInput = z.object({
  CiphertextBlob: base64Blob,
  KeyId: z.string().optional(),
  EncryptionContext: encryptionContext,
});
const generateDataKeyInput = z.object({
  KeyId: z.string().min(1),
  KeySpec: z.enum(['AES_256', 'AES_128']).optional(),
  NumberOfBytes: z.number().int().min(1).max(1024).optional(),
  EncryptionContext: encryptionContext,
});
const describeKeyInput = z.object({ KeyId: z.string().min(1) });

/** Binds the ciphertext to its encryption context: key order must not matter, as in AWS. */
const additionalData = (context: Record<string, string> | undefined): Buffer =>
  Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

const uuidToBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');
const bytesToUuid = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * KMS (AWS JSON 1.1, `TrentService.*`): Encrypt / Decrypt / GenerateDataKey with AES-256-GCM under
 * per-run random key material, enforcing the encryption context like AWS does.
 */
export function createLocalKms(): LocalKms {
  const keys = new Map<string, Buffer>(); // key uuid → material
  const aliases = new Map<string, string>(); // alias/name → key uuid
  const arnOf = (keyUuid: string) => `arn:aws:kms:${localRegion}:${localAccountId}:key/${keyUuid}`;

  const resolveKey = (keyId: string): string => {
    const uuid = keyId.startsWith('alias/')
      ? aliases.get(keyId)
      : keyId.startsWith('arn:aws:kms:')
        ? keyId.includes(':alias/')
          ? aliases.get(keyId.slice(keyId.indexOf('alias/')))
          : keyId.slice(keyId.lastIndexOf('/') + 1)
        : keyId;
    if (!uuid || !keys.has(uuid))
      throw new AwsServiceError('NotFoundException', `Key '${arnOf(keyId)}' does not exist`);
    return uuid;
  };

  const encrypt = (
    keyUuid: string,
    plaintext: Buffer,
    context: Record<string, string> | undefined,
  ): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.get(keyUuid)!, iv);
    cipher.setAAD(additionalData(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([magic, uuidToBytes(keyUuid), iv, cipher.getAuthTag(), body]);
  };

  const decrypt = (
    blob: Buffer,
    context: Record<string, string> | undefined,
    expectedKeyId: string | undefined,
  ) => {
    // AWS says nothing about why a ciphertext is rejected: a wrong context looks like a corrupt blob.
    const invalid = () => new AwsServiceError('InvalidCiphertextException', '');
    if (blob.length < headerLength || !blob.subarray(0, magic.length).equals(magic)) throw invalid();
    const keyUuid = bytesToUuid(blob.subarray(magic.length, magic.length + 16));
    const material = keys.get(keyUuid);
    if (!material) throw invalid();
    if (expectedKeyId !== undefined && resolveKey(expectedKeyId) !== keyUuid) {
      throw new AwsServiceError(
        'IncorrectKeyException',
        'The key ID in the request does not identify a CMK that can perform this operation.',
      );
    }
    const ivStart = magic.length + 16;
    const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(ivStart, ivStart + 12));
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(blob.subarray(ivStart + 12, headerLength));
    try {
      return {
        keyUuid,
        plaintext: Buffer.concat([decipher.update(blob.subarray(headerLength)), decipher.final()]),
      };
    } catch {
      throw invalid();
    }
  };

  const createKey = (alias?: string): string => {
    const uuid = randomUUID();
    keys.set(uuid, randomBytes(32));
    if (alias) aliases.set(alias.startsWith('alias/') ? alias : `alias/${alias}`, uuid);
    return arnOf(uuid);
  };

  return {
    createKey,
    service: {
      targetPrefix: 'TrentService',
      jsonVersion: '1.1',
      operations: {
        Encrypt: (raw) => {
          const input = parseInput(encryptInput, raw);
          const keyUuid = resolveKey(input.KeyId);
          return {
            CiphertextBlob: encrypt(keyUuid, input.Plaintext, input.EncryptionContext).toString('base64'),
            KeyId: arnOf(keyUuid),
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          };
        },
        Decrypt: (raw) => {
          const input = parseInput(decryptInput, raw);
          const { keyUuid, plaintext } = decrypt(input.CiphertextBlob, input.EncryptionContext, input.KeyId);
          return {
            Plaintext: plaintext.toString('base64'),
            KeyId: arnOf(keyUuid),
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          };
        },
        GenerateDataKey: (raw) => {
          const input = parseInput(generateDataKeyInput, raw);
          if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
            throw new AwsServiceError(
              'ValidationException',
              'Please specify either number of bytes or key spec.',
            );
          }
          const keyUuid = resolveKey(input.KeyId);
          const dataKey = randomBytes(input.NumberOfBytes ?? (input.KeySpec === 'AES_128' ? 16 : 32));
          return {
            CiphertextBlob: encrypt(keyUuid, dataKey, input.EncryptionContext).toString('base64'),
            Plaintext: dataKey.toString('base64'),
            KeyId: arnOf(keyUuid),
          };
        },
        DescribeKey: (raw) => {
          const keyUuid = resolveKey(parseInput(describeKeyInput, raw).KeyId);
          return {
            KeyMetadata: {
              KeyId: keyUuid,
              Arn: arnOf(keyUuid),
              AWSAccountId: localAccountId,
              Enabled: true,
              KeyState: 'Enabled',
              KeyUsage: 'ENCRYPT_DECRYPT',
              KeySpec: 'SYMMETRIC_DEFAULT',
              KeyManager: 'CUSTOMER',
              Origin: 'AWS_KMS',
            },
          };
        },
      },
    },
  };
}
