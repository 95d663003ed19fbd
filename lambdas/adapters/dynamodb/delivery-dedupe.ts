/**
 * Webhook de-duplication on the IDEMPOTENCY_TABLE with Powertools idempotency (conditional
 * writes, so concurrent duplicates race safely).
 *
 * Choices, and why:
 * - Records live 72 h. Shopify retries a failed delivery for 4 h, but a delivery can also arrive
 *   a day or more late; 72 h covers both with margin. A duplicate after expiry is still harmless:
 *   the customer writes are conditional and order-free, so it can only be counted "stale".
 * - A duplicate arriving WHILE the first is in progress throws DeliveryInProgressError (409):
 *   it performs no second write, and if the first attempt then fails, Shopify's retry of this
 *   copy still gets it processed. Answering 2xx there could lose the event.
 * - A crashed first attempt must not block retries for 72 h: the in-progress lock expires with
 *   the Lambda's remaining time (or IN_PROGRESS_TIMEOUT_MS when no Lambda context is given).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { type DeliveryDedupe, DeliveryInProgressError } from '../../core/webhooks/ingest.js';
import type { IngestResult } from '../../core/webhooks/topic-registry.js';

export const DEDUPE_TTL_SECONDS = 72 * 60 * 60;
/** Shopify gives up after 5 s; a first attempt still "in progress" after this has died. */
export const IN_PROGRESS_TIMEOUT_MS = 30_000;

export interface DeliveryDedupeOptions {
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly ttlSeconds?: number;
}

type Work = () => Promise<IngestResult>;
type Stored = { result: IngestResult; duplicate?: true };

export const createDeliveryDedupe = ({
  tableName,
  client,
  ttlSeconds = DEDUPE_TTL_SECONDS,
}: DeliveryDedupeOptions): DeliveryDedupe & { registerLambdaContext(context: Context | undefined): void } => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: ttlSeconds,
    // Replays are told apart from first runs by this marker on the stored response.
    responseHook: (response) => ({ ...(response as object), duplicate: true }),
  });
  const fallbackContext = { getRemainingTimeInMillis: () => IN_PROGRESS_TIMEOUT_MS } as Context;
  config.registerLambdaContext(fallbackContext);

  const runOnce = makeIdempotent(
    async (_input: { key: string }, work: Work): Promise<Stored> => ({ result: await work() }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client }),
      config,
      keyPrefix: 'shopify-webhook',
      dataIndexArgument: 0,
    },
  );

  return {
    registerLambdaContext(context) {
      config.registerLambdaContext(context ?? fallbackContext);
    },
    async once(key, work) {
      try {
        const stored = await runOnce({ key }, work);
        return { result: stored.result, duplicate: stored.duplicate === true };
      } catch (error) {
        if ((error as Error | undefined)?.name === 'IdempotencyAlreadyInProgressError') {
          throw new DeliveryInProgressError();
        }
        throw error;
      }
    },
  };
};
