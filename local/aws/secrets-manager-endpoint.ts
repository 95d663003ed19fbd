import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AwsJsonService, AwsServiceError, parseInput } from './json-protocol.js';
import { localAccountId, localRegion } from './local-identity.js';

interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly createdDate: number;
  versionId: string;
  secretString: string;
}

export interface LocalSecretsManager {
  readonly service: AwsJsonService;
  /** Creates or replaces a secret; returns its ARN (what `APP_SECRET_ARN` holds). */
  putSecret(name: string, secretString: string): string;
}

const notFound = () =>
  new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

const getSecretValueInput = z.object({
  SecretId: z.string().min(1),
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});
const createSecretInput = z.object({
  Name: z.string().min(1).max(512),
  SecretString: z.string().max(65_536),
});
const putSecretValueInput = z.object({ SecretId: z.string().min(1), SecretString: z.string().max(65_536) });

/** Secrets Manager (AWS JSON 1.1, `secretsmanager.*`): string secrets with a single current version. */
export function createLocalSecretsManager(): LocalSecretsManager {
  const secrets = new Map<string, StoredSecret>();
  const find = (secretId: string): StoredSecret | undefined =>
    secrets.get(secretId) ?? [...secrets.values()].find((secret) => secret.arn === secretId);

  const store = (name: string, secretString: string): StoredSecret => {
    const existing = secrets.get(name);
    if (existing) {
      existing.secretString = secretString;
      existing.versionId = randomUUID();
      return existing;
    }
    // Real ARNs end in a random six-character suffix; code that builds ARNs from names would break in AWS.
    const arn = `arn:aws:secretsmanager:${localRegion}:${localAccountId}:secret:${name}-${randomBytes(3).toString('hex')}`;
    const secret = { arn, name, createdDate: Date.now() / 1000, versionId: randomUUID(), secretString };
    secrets.set(name, secret);
    return secret;
  };

  const describeVersion = (secret: StoredSecret) => ({
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
  });

  return {
    putSecret: (name, secretString) => store(name, secretString).arn,
    service: {
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      operations: {
        GetSecretValue: (raw) => {
          const input = parseInput(getSecretValueInput, raw);
          const secret = find(input.SecretId);
          if (!secret) throw notFound();
          if (input.VersionId && input.VersionId !== secret.versionId) throw notFound();
          if (input.VersionStage && input.VersionStage !== 'AWSCURRENT') throw notFound();
          return {
            ...describeVersion(secret),
            SecretString: secret.secretString,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: secret.createdDate,
          };
        },
        CreateSecret: (raw) => {
          const input = parseInput(createSecretInput, raw);
          if (secrets.has(input.Name)) {
            throw new AwsServiceError(
              'ResourceExistsException',
              `The operation failed because the secret ${input.Name} already exists.`,
            );
          }
          return describeVersion(store(input.Name, input.SecretString));
        },
        PutSecretValue: (raw) => {
          const input = parseInput(putSecretValueInput, raw);
          const secret = find(input.SecretId);
          if (!secret) throw notFound();
          return {
            ...describeVersion(store(secret.name, input.SecretString)),
            VersionStages: ['AWSCURRENT'],
          };
        },
      },
    },
  };
}
